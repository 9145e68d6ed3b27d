using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;

namespace AopSqlTracing.Tests.Marks;

/// <summary>Which span a command's span is a child of: command mark, connection mark, Activity.Current, new root.</summary>
public abstract class ParentSelectionSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableFact]
    public void CommandMark_WinsOverConnectionMark()
    {
        using var connection = Open();
        using var connectionParent = Recorder.StartParent("connection parent");
        using var commandParent = Recorder.StartParent("command parent");
        connection.SetParentSpan(connectionParent);
        using var command = connection.Command("SELECT 1");

        command.SetParentSpan(commandParent);
        command.ExecuteScalar();
        command.ExecuteScalar();

        Assert.Equal([commandParent.SpanId, connectionParent.SpanId], Recorder.Spans.Select(s => s.ParentSpanId));
    }

    [SkippableFact]
    public void ConnectionMark_WinsOverActivityCurrent()
    {
        using var connection = Open();
        using var parent = Recorder.StartParent();

        connection.SetParentSpan(parent);
        connection.Execute("SELECT 1");

        Assert.Equal(parent.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public void MarkWithoutParent_FallsBackToTheNextParent()
    {
        using var connection = Open(o => o.TraceAllCommands = false);
        using var parent = Recorder.StartParent();
        connection.SetParentSpan(parent);
        using var command = connection.Command("SELECT 1");

        command.SetTraced();
        command.ExecuteScalar();

        Assert.Equal(parent.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public void NoMark_UsesActivityCurrent()
    {
        using var connection = Open();

        connection.Execute("SELECT 1");

        Assert.Equal(Recorder.Root.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public void NoMarkAndNoCurrent_IsANewRoot()
    {
        var marker = Guid.NewGuid().ToString("N");
        using var connection = Open();
        using var rootRecorder = new SpanRecorder(activity => (activity.GetTagItem("db.query.text") as string)?.Contains(marker, StringComparison.Ordinal) == true);

        Activity.Current = null;
        connection.Execute($"SELECT 1 AS m_{marker}");

        var span = Assert.Single(rootRecorder.Spans);
        Assert.Null(span.Parent);
        Assert.Equal(default, span.ParentSpanId);
        Assert.NotEqual(Recorder.Root.TraceId, span.TraceId);
    }

    [SkippableFact]
    public void RemoteParent_ActivityContext_IsTheParent()
    {
        using var connection = Open();
        var remote = new ActivityContext(Recorder.Root.TraceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        using var command = connection.Command("SELECT 1");

        command.SetParentSpan(remote);
        command.ExecuteScalar();

        Assert.Equal(remote.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public void CommandMark_IsUsedUpByItsExecution_EvenWhenItFails()
    {
        using var connection = Open(o => o.TraceAllCommands = false);
        using var failing = connection.Command("SELECT * FROM missing");
        using var succeeding = connection.Command("SELECT 1");

        failing.SetTraced();
        succeeding.SetTraced();
        Assert.ThrowsAny<DbException>(() => failing.ExecuteScalar());
        succeeding.ExecuteScalar();
        Assert.ThrowsAny<DbException>(() => failing.ExecuteScalar());
        succeeding.ExecuteScalar();

        Assert.False(failing.GetTraced());
        Assert.False(succeeding.GetTraced());
        // Only the first run of each is a span: the failed one, then the successful one.
        Assert.Equal([ActivityStatusCode.Error, ActivityStatusCode.Unset], Recorder.Spans.Select(s => s.Status));
    }

    [SkippableFact]
    public void ExecutionWithMarkedParent_LeavesActivityCurrentUnchanged()
    {
        using var connection = Open();
        using var parent = Recorder.StartParent();
        connection.SetParentSpan(parent);
        var before = Activity.Current;

        connection.Execute("SELECT 1");
        using (var command = connection.Command("SELECT 2"))
        using (var reader = command.ExecuteReader())
        {
            Assert.Same(before, Activity.Current);
            Assert.Single(Recorder.Spans);
            Assert.Equal(2, Recorder.StartedSpans.Count);
        }

        Assert.Same(before, Activity.Current);
        Assert.Same(Recorder.Root, Activity.Current);
        // The spans existed: Activity.Current stayed put although two spans started under the marked parent.
        Assert.Equal([parent.SpanId, parent.SpanId], Recorder.Spans.Select(s => s.ParentSpanId));
    }

    [SkippableFact]
    public void MarkThroughUnwrappedObjects_IsTheSameMark()
    {
        using var connection = Open(o => o.TraceAllCommands = false);
        using var parent = Recorder.StartParent();

        connection.Unwrap().SetParentSpan(parent);
        using var command = connection.Command("SELECT 1");

        Assert.True(connection.HasParentSpan());
        command.Unwrap().SetTraced();
        Assert.True(command.GetTraced());
        command.ExecuteScalar();

        Assert.Equal(parent.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
        Assert.False(command.Unwrap().GetTraced());
    }
}

public sealed class SqliteParentSelection : ParentSelectionSuite<SqliteProvider>;

public sealed class PostgresParentSelection : ParentSelectionSuite<PostgresProvider>;

public sealed class MariaDbParentSelection : ParentSelectionSuite<MariaDbProvider>;
