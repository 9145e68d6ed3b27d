using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Seed;

/// <summary>The seed's test_core.py, in .NET form: statements, connections and transactions, on every engine.</summary>
public abstract class CoreSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    // The seed's tests name spans by statement kind (select, create_table): the naming the seed had.
    protected override void ConfigureSuite(SqlTracingOptions options) => options.SpanNaming = SqlSpanNaming.StatementKind;

    private string CreateUsersTable => Sql.CreateUsers(Provider);

    [SkippableFact]
    public void Traced_MarkedCommand_IsOneFinishedSpanWithTags()
    {
        using var connection = Open(o => o.TraceAllCommands = false);
        using var create = connection.Command(CreateUsersTable);

        create.SetTraced();
        create.ExecuteNonQuery();

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("create_table", span.DisplayName);
        Assert.True(span.IsStopped);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(Recorder.Root.SpanId, span.ParentSpanId);
        Assert.Equal(Provider.SystemName, span.GetTagItem("db.system.name"));
        Assert.Equal(CreateUsersTable, span.GetTagItem("db.query.text"));
        Assert.Equal("CREATE TABLE", span.GetTagItem("db.operation.name"));
        Assert.Equal(Provider.DatabaseName, span.GetTagItem("db.namespace"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.False(create.GetTraced());
    }

    [SkippableFact]
    public void TracedNone_UnmarkedCommandWithoutTraceAll_MakesNoSpan()
    {
        using var connection = Open(o => o.TraceAllCommands = false);

        connection.Execute(CreateUsersTable);

        Assert.Empty(Recorder.StartedSpans);
    }

    [SkippableFact]
    public void TracedAllQueries_UnmarkedCommand_IsTracedUnderActivityCurrent()
    {
        using var connection = Open(o => o.TraceAllCommands = true);

        connection.Execute(CreateUsersTable);

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("create_table", span.DisplayName);
        Assert.Equal(Recorder.Root.SpanId, span.ParentSpanId);
    }

    [SkippableFact]
    public void TracedAllEngines_PlainRegistrationUnderTraceAll_TracesMarkedCommandOnly()
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.TraceAllDatabases(o =>
        {
            ConfigureSuite(o);
            o.TraceAllCommands = false;
        });
        builder.Register(_ => Provider.CreateConnection()).As<DbConnection>();
        var container = builder.Build();
        Track(container);
        using var connection = container.OpenConnection();
        using var create = connection.Command(CreateUsersTable);

        create.SetTraced();
        create.ExecuteNonQuery();
        connection.Execute(Sql.InsertUser);

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("create_table", span.DisplayName);
        Assert.True(span.IsStopped);
        Assert.Equal(Provider.SystemName, span.GetTagItem("db.system.name"));
    }

    [SkippableFact]
    public void TracedError_FailingMarkedCommand_IsErrorSpanAndExceptionReachesCaller()
    {
        using var connection = Open(o => o.TraceAllCommands = false);
        using var create = connection.Command(CreateUsersTable);
        create.ExecuteNonQuery();
        Assert.Empty(Recorder.StartedSpans);

        create.SetTraced();
        var thrown = Assert.ThrowsAny<DbException>(() => create.ExecuteNonQuery());

        var span = Assert.Single(Recorder.Spans);
        Assert.True(span.IsStopped);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Contains("already exists", span.StatusDescription, StringComparison.Ordinal);
        Assert.Equal(thrown.Message, span.StatusDescription);
        Assert.Equal(thrown.GetType().FullName, span.GetTagItem("error.type"));
        Assert.Equal(CreateUsersTable, span.GetTagItem("db.query.text"));
        var exceptionEvent = Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Contains(exceptionEvent.Tags, tag => tag.Key == "exception.message" && Equals(tag.Value, thrown.Message));
        Assert.False(create.GetTraced());
    }

    // The seed named a script "textclause"; a script is named by its statements: their kind, batch when they differ.
    [SkippableFact]
    public void TraceText_Script_IsNamedBatch()
    {
        using var connection = Open();
        var script = CreateUsersTable + "; " + Sql.InsertUser;

        connection.Execute(script);

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("batch", span.DisplayName);
        Assert.True(span.IsStopped);
        Assert.Equal(CreateUsersTable + "; INSERT INTO users (name) VALUES (?)", span.GetTagItem("db.query.text"));
        Assert.Equal("CREATE TABLE users INSERT users", span.GetTagItem("db.query.summary"));
        Assert.Equal(Provider.SystemName, span.GetTagItem("db.system.name"));
        Assert.Null(span.GetTagItem("db.operation.name"));
    }

    [SkippableFact]
    public void TraceTextError_FailingScript_IsErrorBatch()
    {
        using var connection = Open();

        var thrown = Assert.ThrowsAny<DbException>(() => connection.Execute("CREATE TEMPORARY TABLE t (x INTEGER); SELECT name FROM users"));

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("batch", span.DisplayName);
        Assert.True(span.IsStopped);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Contains(Provider.MissingTableMessage("users"), thrown.Message, StringComparison.Ordinal);
        Assert.Equal(thrown.Message, span.StatusDescription);
        Assert.Equal(thrown.GetType().FullName, span.GetTagItem("error.type"));
    }

    [SkippableFact]
    public void TracedTransaction_MarkedConnection_ParentsEveryStatement()
    {
        using var connection = Open(o => o.TraceAllCommands = false);
        using var parent = Recorder.StartParent();

        using (var transaction = connection.BeginTransaction())
        {
            connection.SetParentSpan(parent);
            connection.Execute(CreateUsersTable, transaction);
            connection.Execute(Sql.InsertUser, transaction);
            using var select = connection.Command(Sql.SelectUsers, transaction);
            using (select.ExecuteReader())
            {
            }

            transaction.Commit();
        }

        var spans = Recorder.Spans;
        Assert.Equal(["create_table", "insert", "select"], spans.Select(s => s.DisplayName));
        Assert.All(spans, s => Assert.True(s.IsStopped));
        Assert.All(spans, s => Assert.Equal(parent.SpanId, s.ParentSpanId));
    }

    // The seed nested transactions; .NET code nests with savepoints, which keep the connection's mark.
    [SkippableFact]
    public void TracedTransactionNested_Savepoints_KeepTheConnectionParent()
    {
        using var connection = Open(o => o.TraceAllCommands = false);
        using var parent = Recorder.StartParent();

        using (var transaction = connection.BeginTransaction())
        {
            connection.SetParentSpan(parent);
            connection.Execute(CreateUsersTable, transaction);

            transaction.Save("nested");
            connection.Execute(Sql.InsertUser, transaction);
            transaction.Release("nested");
            transaction.Save("nested2");
            transaction.Rollback("nested2");
            using var select = connection.Command(Sql.SelectUsers, transaction);
            select.ExecuteScalar();

            transaction.Commit();
        }

        var spans = Recorder.Spans;
        Assert.Equal(["create_table", "insert", "select"], spans.Select(s => s.DisplayName));
        Assert.All(spans, s => Assert.True(s.IsStopped));
        Assert.All(spans, s => Assert.Equal(parent.SpanId, s.ParentSpanId));
        Assert.False(connection.GetTraced());
    }

    [SkippableFact]
    public void TracedRollback_FailureInsideTransaction_ParentsBothAndMarksTheError()
    {
        using var connection = Open(o => o.TraceAllCommands = false);
        connection.Execute(CreateUsersTable);
        using var parent = Recorder.StartParent();

        using (var transaction = connection.BeginTransaction())
        {
            connection.SetParentSpan(parent);
            try
            {
                connection.Execute(Sql.InsertUser, transaction);
                connection.Execute(CreateUsersTable, transaction);
                transaction.Commit();
            }
            catch (DbException)
            {
                transaction.Rollback();
            }
        }

        var spans = Recorder.Spans;
        Assert.Equal(["insert", "create_table"], spans.Select(s => s.DisplayName));
        Assert.All(spans, s => Assert.True(s.IsStopped));
        Assert.All(spans, s => Assert.Equal(parent.SpanId, s.ParentSpanId));
        Assert.Equal([ActivityStatusCode.Unset, ActivityStatusCode.Error], spans.Select(s => s.Status));
        Assert.False(connection.GetTraced());
    }

    // A failed statement does not end the connection's mark, on either engine; what differs is the transaction:
    // PostgreSQL refuses every later statement of an aborted transaction, SQLite carries on.
    [SkippableFact]
    public void TracedTransaction_StatementAfterAFailure_IsStillUnderTheConnectionParent()
    {
        using var connection = Open(o => o.TraceAllCommands = false);
        connection.Execute(CreateUsersTable);
        using var parent = Recorder.StartParent();

        using (var transaction = connection.BeginTransaction())
        {
            connection.SetParentSpan(parent);
            Assert.ThrowsAny<DbException>(() => connection.Execute(CreateUsersTable, transaction));
            var after = Record.Exception(() => connection.Execute(Sql.InsertUser, transaction));
            Assert.True(connection.HasParentSpan());
            transaction.Rollback();

            Assert.Equal(Provider.ErrorAbortsTransaction, after is DbException);
        }

        var spans = Recorder.Spans;
        Assert.Equal(["create_table", "insert"], spans.Select(s => s.DisplayName));
        Assert.All(spans, s => Assert.Equal(parent.SpanId, s.ParentSpanId));
        Assert.Equal(
            [ActivityStatusCode.Error, Provider.ErrorAbortsTransaction ? ActivityStatusCode.Error : ActivityStatusCode.Unset],
            spans.Select(s => s.Status));
        Assert.False(connection.GetTraced());
    }

    [SkippableFact]
    public void TracedAfterTransaction_CommitEndsTheConnectionMark()
    {
        using var connection = Open(o => o.TraceAllCommands = false);
        using (var transaction = connection.BeginTransaction())
        {
            connection.SetTraced();
            connection.Execute(CreateUsersTable, transaction);
            transaction.Commit();
        }

        Assert.Equal("create_table", Assert.Single(Recorder.Spans).DisplayName);

        Recorder.Clear();
        using (var transaction = connection.BeginTransaction())
        {
            connection.Execute(Sql.InsertUser, transaction);
            transaction.Commit();
        }

        Assert.Empty(Recorder.StartedSpans);
    }

    [SkippableFact]
    public void TracedAfterRollback_RollbackEndsTheConnectionMark()
    {
        using var connection = Open(o => o.TraceAllCommands = false);
        using (var transaction = connection.BeginTransaction())
        {
            connection.Execute(CreateUsersTable, transaction);
            transaction.Commit();
        }

        // A transaction disposed after a failure rolls back, as the seed's `with conn.begin()` does.
        Assert.ThrowsAny<DbException>(() =>
        {
            using var transaction = connection.BeginTransaction();
            connection.SetTraced();
            connection.Execute(CreateUsersTable, transaction);
        });

        Assert.Equal(ActivityStatusCode.Error, Assert.Single(Recorder.Spans).Status);

        Recorder.Clear();
        using (var transaction = connection.BeginTransaction())
        {
            connection.Execute(Sql.InsertUser, transaction);
            transaction.Commit();
        }

        Assert.Empty(Recorder.StartedSpans);
    }

    [SkippableFact]
    public void TracedClearConnection_ClearTraced_StopsFurtherTracing()
    {
        using var connection = Open(o => o.TraceAllCommands = false);

        using (var transaction = connection.BeginTransaction())
        {
            connection.SetTraced();
            connection.Execute(CreateUsersTable, transaction);

            connection.ClearTraced();

            connection.Execute(Sql.InsertUser, transaction);
            transaction.Commit();
        }

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("create_table", span.DisplayName);
    }

    [SkippableFact]
    public void UnregisterEngine_StopTracing_MakesNoSpansEvenForMarkedCommands()
    {
        var container = Container(o => o.TraceAllCommands = true);
        using var connection = container.OpenConnection();
        connection.Execute(CreateUsersTable);
        Assert.Single(Recorder.Spans);

        Recorder.Clear();
        var database = container.Resolve<ITracedDatabase>();
        database.StopTracing();
        using var select = connection.Command(Sql.SelectUsers);
        select.SetTraced();
        select.ExecuteScalar();

        Assert.False(database.IsTracingEnabled);
        Assert.Empty(Recorder.StartedSpans);

        database.StartTracing();
        connection.Execute(Sql.InsertUser);

        Assert.Equal("insert", Assert.Single(Recorder.Spans).DisplayName);
    }
}

public sealed class SqliteCore : CoreSuite<SqliteProvider>;

public sealed class PostgresCore : CoreSuite<PostgresProvider>;

public sealed class MariaDbCore : CoreSuite<MariaDbProvider>;
