using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Seed;

/// <summary>
/// The seed's test_orm.py, in .NET form: a lifetime scope stands in for the Session's tracing lifetime, a scoped
/// <see cref="UserSession"/> for its unit of work. Run on SQLite and PostgreSQL.
/// </summary>
public abstract class SessionSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    // The seed's tests name spans by statement kind (select, create_table): the naming the seed had.
    protected override void ConfigureSuite(SqlTracingOptions options) => options.SpanNaming = SqlSpanNaming.StatementKind;

    [SkippableFact]
    public void TracedSimple_MarkedScope_TracesTheFlushedInsert()
    {
        using var scope = UnitOfWork(traceAll: false, out var session);

        scope.SetTraced();
        session.Add("John Doe");
        session.Commit();

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("insert", span.DisplayName);
        Assert.True(span.IsStopped);
        Assert.Equal("INSERT INTO users (name) VALUES (@name)", span.GetTagItem("db.query.text"));
        Assert.Equal(Provider.SystemName, span.GetTagItem("db.system.name"));
    }

    [SkippableFact]
    public void TracedNone_UnmarkedScope_TracesNothing()
    {
        using var scope = UnitOfWork(traceAll: false, out var session);

        session.Add("John Doe");
        session.Commit();

        Assert.Empty(Recorder.StartedSpans);
    }

    [SkippableFact]
    public void TracedAll_TraceAllCommands_TracesEachInsert()
    {
        using var scope = UnitOfWork(traceAll: true, out var session);

        session.Add("John Doe");
        session.Add("Jason Bourne");
        session.Add("Foo Bar");
        session.Commit();

        Assert.Equal(["insert", "insert", "insert"], Recorder.Spans.Select(s => s.DisplayName));
    }

    [SkippableFact]
    public void TracedError_FailingFlush_IsOneErrorSpan()
    {
        using var scope = UnitOfWork(traceAll: false, out var session);
        session.Add("John Doe", id: 1);
        session.Commit();

        scope.SetTraced();
        session.Add("John Doe", id: 1);
        Assert.ThrowsAny<DbException>(() => session.Commit());

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("insert", span.DisplayName);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("INSERT INTO users (id, name) VALUES (@id, @name)", span.GetTagItem("db.query.text"));
    }

    [SkippableFact]
    public void TracedParent_ScopeParent_ParentsEveryQuery()
    {
        using var scope = UnitOfWork(traceAll: false, out var session);
        using var parent = Recorder.StartParent();

        scope.SetParentSpan(parent);
        session.AllNames();
        session.AllNames();
        session.Commit();

        Assert.Equal(["select", "select"], Recorder.Spans.Select(s => s.DisplayName));
        Assert.All(Recorder.Spans, s => Assert.Equal(parent.SpanId, s.ParentSpanId));
    }

    [SkippableFact]
    public void TracedText_RawTextInTheScope_IsNamedByItsStatementsUnderTheParent()
    {
        using var scope = UnitOfWork(traceAll: false, out var session);
        using var parent = Recorder.StartParent();

        scope.SetParentSpan(parent);
        session.Execute("UPDATE users SET name = name; SELECT name FROM users");

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("batch", span.DisplayName);
        Assert.Equal(parent.SpanId, span.ParentSpanId);
    }

    [SkippableFact]
    public void TracedTextError_FailingRawText_IsErrorUnderTheParent()
    {
        using var scope = UnitOfWork(traceAll: false, out var session);
        using var parent = Recorder.StartParent();

        scope.SetParentSpan(parent);
        Assert.ThrowsAny<DbException>(() => session.Execute("SELECT zipcode FROM addresses; SELECT 1"));

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("select", span.DisplayName);
        Assert.Equal(parent.SpanId, span.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }

    [SkippableFact]
    public void TracedAfterCommit_CommitEndsTheScopeMark()
    {
        using var scope = UnitOfWork(traceAll: false, out var session);
        scope.SetTraced();
        session.Add("John Doe");
        session.Commit();
        Assert.Single(Recorder.Spans);

        Recorder.Clear();
        session.Add("Jason Bourne");
        session.AllNames();
        session.Commit();

        Assert.False(scope.GetTraced());
        Assert.Empty(Recorder.StartedSpans);
    }

    [SkippableFact]
    public void TracedAfterRollback_RollbackEndsTheScopeMark()
    {
        using var scope = UnitOfWork(traceAll: false, out var session);
        scope.SetTraced();
        session.AllNames();
        session.Add("John Doe");
        session.Rollback();
        Assert.Equal("select", Assert.Single(Recorder.Spans).DisplayName);

        Recorder.Clear();
        session.AllNames();
        session.Add("Jason Bourne");
        session.Commit();

        Assert.Empty(Recorder.StartedSpans);
    }

    [SkippableFact]
    public void TracedCommitRepeat_MarkedAgain_UsesTheNewParent()
    {
        using var scope = UnitOfWork(traceAll: false, out var session);
        using var parent1 = Recorder.StartParent("parent1");
        using var parent2 = Recorder.StartParent("parent2");

        scope.SetParentSpan(parent1);
        session.Add("John Doe");
        session.Commit();
        scope.SetParentSpan(parent2);
        session.Add("Jason Bourne");
        session.Commit();

        Assert.Equal([parent1.SpanId, parent2.SpanId], Recorder.Spans.Select(s => s.ParentSpanId));
    }

    // The seed skipped this on SQLite; savepoints work on both engines here.
    [SkippableFact]
    public void TracedSavepoint_NestedCommitKeepsTheScopeMark()
    {
        using var scope = UnitOfWork(traceAll: false, out var session);

        scope.SetTraced();
        session.Add("John Doe");
        session.BeginNested();
        session.Add("Jason Bourne");
        session.Commit();
        session.Add("Paris Texas");
        session.Commit();

        Assert.Equal(["insert", "insert", "insert"], Recorder.Spans.Select(s => s.DisplayName));
        Assert.False(scope.GetTraced());
    }

    [SkippableFact]
    public void TracedBulkInsert_TenRowsInOneCommand_IsOneSpanUnderTheParent()
    {
        using var scope = UnitOfWork(traceAll: false, out var session);
        using var parent = Recorder.StartParent();

        scope.SetParentSpan(parent);
        session.BulkSave([.. Enumerable.Range(0, 10).Select(i => $"User-{i}")]);
        session.Commit();

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("insert", span.DisplayName);
        Assert.Equal(parent.SpanId, span.ParentSpanId);
        Assert.Equal(10, session.AllNames().Count);
    }

    [SkippableFact]
    public void TracedClearSession_ClearedBeforeFlush_TracesNothing()
    {
        using var scope = UnitOfWork(traceAll: false, out var session);

        scope.SetTraced();
        session.Add("John Doe");
        session.Add("Jason Bourne");
        scope.ClearTraced();
        session.Commit();

        Assert.Empty(Recorder.StartedSpans);
    }

    private ILifetimeScope UnitOfWork(bool traceAll, out UserSession session)
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection(), o =>
        {
            ConfigureSuite(o);
            o.TraceAllCommands = traceAll;
        }).InstancePerLifetimeScope();
        builder.RegisterType<UserSession>().InstancePerLifetimeScope();
        var container = builder.Build();
        Track(container);

        var scope = container.BeginLifetimeScope();
        var connection = scope.Resolve<DbConnection>();
        connection.Open();
        UserSession.CreateSchema(connection, Provider.IdentityColumn);
        session = scope.Resolve<UserSession>();
        return scope;
    }
}

public sealed class SqliteSessions : SessionSuite<SqliteProvider>;

public sealed class PostgresSessions : SessionSuite<PostgresProvider>;

public sealed class MariaDbSessions : SessionSuite<MariaDbProvider>;
