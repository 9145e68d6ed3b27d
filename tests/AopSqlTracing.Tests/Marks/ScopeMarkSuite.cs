using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Marks;

/// <summary>Marks on lifetime scopes (units of work) and on the container: which SQL they trace, under which parent, until when.</summary>
public abstract class ScopeMarkSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableFact]
    public void ScopeMark_AppliesToChildScopes_NearestMarkedScopeWins()
    {
        var container = Container(o => o.TraceAllCommands = false);
        using var outer = container.BeginLifetimeScope();
        using var inner = outer.BeginLifetimeScope();
        using var innermost = inner.BeginLifetimeScope();
        using var outerParent = Recorder.StartParent("outer");
        using var innerParent = Recorder.StartParent("inner");

        outer.SetParentSpan(outerParent);
        Run(innermost, "SELECT 1");
        inner.SetParentSpan(innerParent);
        Run(innermost, "SELECT 2");
        Run(outer, "SELECT 3");

        Assert.Equal([outerParent.SpanId, innerParent.SpanId, outerParent.SpanId], Recorder.Spans.Select(s => s.ParentSpanId));
    }

    [SkippableFact]
    public void ScopeMarkedUntilItEnds_ACommitEndsOnlyTheUnitOfWorkMarkedInside()
    {
        var container = Container(o => o.TraceAllCommands = false);
        using var scope = container.BeginLifetimeScope();
        using var request = Recorder.StartParent("request");
        using var order = Recorder.StartParent("order");
        scope.SetParentSpanUntilScopeEnds(request);
        var connection = scope.OpenConnection();

        scope.SetParentSpan(order);
        using (var transaction = connection.BeginTransaction())
        {
            connection.Execute("SELECT 1 AS in_order", transaction: transaction);
            transaction.Commit();
        }

        connection.Execute("SELECT 2 AS after_commit");
        scope.ClearTraced();
        connection.Execute("SELECT 3 AS cleared");

        Assert.Equal([order.SpanId, request.SpanId], Recorder.Spans.Select(s => s.ParentSpanId));
        Assert.False(scope.GetTraced());
    }

    [SkippableFact]
    public void ScopeMark_AppliesToConnectionsResolvedBeforeIt()
    {
        var container = Container(o => o.TraceAllCommands = false);
        using var scope = container.BeginLifetimeScope();
        var connection = scope.OpenConnection();
        connection.Execute("SELECT 1 AS before_mark");
        Assert.Empty(Recorder.StartedSpans);

        scope.SetTraced();
        connection.Execute("SELECT 2 AS after_mark");

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("SELECT ? AS after_mark", span.GetTagItem("db.query.text"));
        Assert.Equal(Recorder.Root.SpanId, span.ParentSpanId);
    }

    [SkippableFact]
    public void ContainerMark_AppliesToEveryScope_UntilCleared()
    {
        var container = Container(o => o.TraceAllCommands = false);
        using var parent = Recorder.StartParent();

        container.SetParentSpan(parent);
        using (var scope = container.BeginLifetimeScope())
        {
            Run(scope, "SELECT 1");
        }

        Assert.True(container.HasParentSpan());
        container.ClearTraced();
        using (var scope = container.BeginLifetimeScope())
        {
            Run(scope, "SELECT 2");
        }

        Assert.False(container.GetTraced());
        Assert.Equal(parent.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    // Each state of a scope's mark is judged by what the scope's SQL then does, not only by reading it back.
    [SkippableFact]
    public void ScopeMark_SetAndCleared_DecidesWhetherAndUnderWhichParentItsSqlIsTraced()
    {
        var container = Container(o => o.TraceAllCommands = false);
        using var scope = container.BeginLifetimeScope();
        using var parent = Recorder.StartParent();

        Assert.False(scope.GetTraced());
        Run(scope, "SELECT 1 AS unmarked");
        scope.SetTraced();
        Assert.True(scope.GetTraced());
        Assert.False(scope.HasParentSpan());
        Run(scope, "SELECT 2 AS traced");
        scope.SetParentSpan(parent.Context);
        Assert.Equal(parent.Context, scope.GetParentSpan());
        Run(scope, "SELECT 3 AS parented");
        scope.ClearTraced();
        Assert.False(scope.GetTraced());
        Run(scope, "SELECT 4 AS cleared");

        Assert.Equal(["SELECT ? AS traced", "SELECT ? AS parented"], Recorder.Spans.Select(s => s.GetTagItem("db.query.text")));
        Assert.Equal([Recorder.Root.SpanId, parent.SpanId], Recorder.Spans.Select(s => s.ParentSpanId));
        Assert.Equal("scope", Assert.Throws<ArgumentNullException>(() => ((ILifetimeScope)null!).SetTraced()).ParamName);
        Assert.Equal("parent", Assert.Throws<ArgumentException>(() => scope.SetParentSpan(default(ActivityContext))).ParamName);
    }

    [SkippableFact]
    public void DisposedScope_DropsItsMark_AndIsCollected()
    {
        var container = Container(o => o.TraceAllCommands = false);
        using var parent = Recorder.StartParent();

        var dropped = MarkAndDispose(container, parent);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(dropped.IsAlive);
        Assert.Equal(parent.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public void SavepointInAMarkedScope_KeepsTheMark_CommitEndsIt()
    {
        var container = Container(o => o.TraceAllCommands = false);
        using var scope = container.BeginLifetimeScope();
        var connection = scope.OpenConnection();

        scope.SetTraced();
        using (var transaction = connection.BeginTransaction())
        {
            transaction.Save("s");
            transaction.Rollback("s");
            Assert.True(scope.GetTraced());
            connection.Execute("SELECT 1 AS after_savepoint", transaction);
            transaction.Commit();
        }

        Assert.False(scope.GetTraced());
        connection.Execute("SELECT 2 AS after_commit");

        Assert.Equal("SELECT ? AS after_savepoint", Assert.Single(Recorder.Spans).GetTagItem("db.query.text"));
    }

    private static void Run(ILifetimeScope scope, string sql)
    {
        var connection = scope.Resolve<DbConnection>();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            connection.Open();
        }

        connection.Execute(sql);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference MarkAndDispose(IContainer container, Activity parent)
    {
        var scope = container.BeginLifetimeScope();
        scope.SetParentSpan(parent);
        Run(scope, "SELECT 1");
        var reference = new WeakReference(scope);
        scope.Dispose();
        Assert.False(scope.GetTraced());
        return reference;
    }
}

public sealed class SqliteScopeMarks : ScopeMarkSuite<SqliteProvider>;

public sealed class PostgresScopeMarks : ScopeMarkSuite<PostgresProvider>;

public sealed class MariaDbScopeMarks : ScopeMarkSuite<MariaDbProvider>;
