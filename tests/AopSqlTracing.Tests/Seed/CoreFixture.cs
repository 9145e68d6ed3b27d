using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Support;
using Autofac;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Seed;

/// <summary>The seed's test_core.py, in .NET form: statements, connections and transactions on SQLite.</summary>
public sealed class CoreFixture : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public void Traced_MarkedCommand_IsOneFinishedSpanWithTags()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var connection = container.OpenConnection();
        using var create = connection.Command(Sql.CreateUsers);

        create.SetTraced();
        create.ExecuteNonQuery();

        var span = Assert.Single(_recorder.Spans);
        Assert.Equal("create_table", span.DisplayName);
        Assert.True(span.IsStopped);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("sqlite", span.GetTagItem("db.system.name"));
        Assert.Equal(Sql.CreateUsers, span.GetTagItem("db.query.text"));
        Assert.Equal("CREATE TABLE", span.GetTagItem("db.operation.name"));
        Assert.Equal("main", span.GetTagItem("db.namespace"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.False(create.GetTraced());
    }

    [Fact]
    public void TracedNone_UnmarkedCommandWithoutTraceAll_MakesNoSpan()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var connection = container.OpenConnection();

        connection.Execute(Sql.CreateUsers);

        Assert.Empty(_recorder.StartedSpans);
    }

    [Fact]
    public void TracedAllQueries_UnmarkedCommand_IsTraced()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = true);
        using var connection = container.OpenConnection();

        connection.Execute(Sql.CreateUsers);

        Assert.Single(_recorder.Spans);
    }

    [Fact]
    public void TracedAllEngines_PlainRegistrationUnderTraceAll_TracesMarkedCommand()
    {
        var builder = new ContainerBuilder();
        builder.TraceAllDatabases(o => o.TraceAllCommands = false);
        builder.Register(_ => new SqliteConnection(TestContainers.InMemory)).As<DbConnection>();
        using var container = builder.Build();
        using var connection = container.OpenConnection();
        using var create = connection.Command(Sql.CreateUsers);

        create.SetTraced();
        create.ExecuteNonQuery();

        var span = Assert.Single(_recorder.Spans);
        Assert.Equal("create_table", span.DisplayName);
        Assert.True(span.IsStopped);
    }

    [Fact]
    public void TracedError_FailingMarkedCommand_IsErrorSpanAndExceptionReachesCaller()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var connection = container.OpenConnection();
        using var create = connection.Command(Sql.CreateUsers);
        create.ExecuteNonQuery();
        Assert.Empty(_recorder.StartedSpans);

        create.SetTraced();
        var thrown = Assert.Throws<SqliteException>(() => create.ExecuteNonQuery());

        var span = Assert.Single(_recorder.Spans);
        Assert.True(span.IsStopped);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Contains("table users already exists", span.StatusDescription, StringComparison.Ordinal);
        Assert.Equal(typeof(SqliteException).FullName, span.GetTagItem("error.type"));
        Assert.Equal(Sql.CreateUsers, span.GetTagItem("db.query.text"));
        var exceptionEvent = Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Contains(exceptionEvent.Tags, tag => tag.Key == "exception.message" && Equals(tag.Value, thrown.Message));
        Assert.False(create.GetTraced());
    }

    // Text that is not one recognisable statement is named like the seed's raw SQL.
    [Fact]
    public void TraceText_Script_IsTextClause()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        const string script = Sql.CreateUsers + "; " + Sql.InsertUser;

        connection.Execute(script);

        var span = Assert.Single(_recorder.Spans);
        Assert.Equal("textclause", span.DisplayName);
        Assert.True(span.IsStopped);
        Assert.Equal(Sql.CreateUsers + "; INSERT INTO users (name) VALUES (?)", span.GetTagItem("db.query.text"));
        Assert.Equal("sqlite", span.GetTagItem("db.system.name"));
        Assert.Null(span.GetTagItem("db.operation.name"));
    }

    [Fact]
    public void TraceTextError_FailingScript_IsErrorTextClause()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();

        var thrown = Assert.Throws<SqliteException>(() => connection.Execute("PRAGMA user_version = 1; SELECT name FROM users"));

        var span = Assert.Single(_recorder.Spans);
        Assert.Equal("textclause", span.DisplayName);
        Assert.True(span.IsStopped);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Contains("no such table: users", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(thrown.Message, span.StatusDescription);
    }

    [Fact]
    public void TracedTransaction_MarkedConnection_ParentsEveryStatement()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var connection = container.OpenConnection();
        using var parent = _recorder.StartParent();

        using (var transaction = connection.BeginTransaction())
        {
            connection.SetParentSpan(parent);
            connection.Execute(Sql.CreateUsers, transaction);
            connection.Execute(Sql.InsertUser, transaction);
            using var select = connection.Command(Sql.SelectUsers, transaction);
            using (select.ExecuteReader())
            {
            }

            transaction.Commit();
        }

        var spans = _recorder.Spans;
        Assert.Equal(["create_table", "insert", "select"], spans.Select(s => s.DisplayName));
        Assert.All(spans, s => Assert.True(s.IsStopped));
        Assert.All(spans, s => Assert.Equal(parent.SpanId, s.ParentSpanId));
    }

    // SQLite has no nested transactions; .NET code nests with savepoints, which keep the connection's mark.
    [Fact]
    public void TracedTransactionNested_Savepoints_KeepTheConnectionParent()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var connection = container.OpenConnection();
        using var parent = _recorder.StartParent();

        using (var transaction = connection.BeginTransaction())
        {
            connection.SetParentSpan(parent);
            connection.Execute(Sql.CreateUsers, transaction);

            transaction.Save("nested");
            connection.Execute(Sql.InsertUser, transaction);
            transaction.Release("nested");
            transaction.Save("nested2");
            transaction.Rollback("nested2");
            using var select = connection.Command(Sql.SelectUsers, transaction);
            select.ExecuteScalar();

            transaction.Commit();
        }

        var spans = _recorder.Spans;
        Assert.Equal(["create_table", "insert", "select"], spans.Select(s => s.DisplayName));
        Assert.All(spans, s => Assert.True(s.IsStopped));
        Assert.All(spans, s => Assert.Equal(parent.SpanId, s.ParentSpanId));
    }

    [Fact]
    public void TracedRollback_FailureInsideTransaction_ParentsBothAndMarksTheError()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var connection = container.OpenConnection();
        connection.Execute(Sql.CreateUsers);
        using var parent = _recorder.StartParent();

        using (var transaction = connection.BeginTransaction())
        {
            connection.SetParentSpan(parent);
            try
            {
                connection.Execute(Sql.InsertUser, transaction);
                connection.Execute(Sql.CreateUsers, transaction);
                transaction.Commit();
            }
            catch (SqliteException)
            {
                transaction.Rollback();
            }
        }

        var spans = _recorder.Spans;
        Assert.Equal(["insert", "create_table"], spans.Select(s => s.DisplayName));
        Assert.All(spans, s => Assert.True(s.IsStopped));
        Assert.All(spans, s => Assert.Equal(parent.SpanId, s.ParentSpanId));
        Assert.Equal([ActivityStatusCode.Unset, ActivityStatusCode.Error], spans.Select(s => s.Status));
        Assert.False(connection.GetTraced());
    }

    [Fact]
    public void TracedAfterTransaction_CommitEndsTheConnectionMark()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var connection = container.OpenConnection();
        using (var transaction = connection.BeginTransaction())
        {
            connection.SetTraced();
            connection.Execute(Sql.CreateUsers, transaction);
            transaction.Commit();
        }

        Assert.Single(_recorder.Spans);

        _recorder.Clear();
        using (var transaction = connection.BeginTransaction())
        {
            connection.Execute(Sql.InsertUser, transaction);
            transaction.Commit();
        }

        Assert.Empty(_recorder.StartedSpans);
    }

    [Fact]
    public void TracedAfterRollback_RollbackEndsTheConnectionMark()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var connection = container.OpenConnection();
        using (var transaction = connection.BeginTransaction())
        {
            connection.Execute(Sql.CreateUsers, transaction);
            transaction.Commit();
        }

        // A transaction disposed after a failure rolls back, as the seed's `with conn.begin()` does.
        Assert.Throws<SqliteException>(() =>
        {
            using var transaction = connection.BeginTransaction();
            connection.SetTraced();
            connection.Execute(Sql.CreateUsers, transaction);
        });

        Assert.Single(_recorder.Spans);

        _recorder.Clear();
        using (var transaction = connection.BeginTransaction())
        {
            connection.Execute(Sql.InsertUser, transaction);
            transaction.Commit();
        }

        Assert.Empty(_recorder.StartedSpans);
    }

    [Fact]
    public void TracedClearConnection_ClearTraced_StopsFurtherTracing()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var connection = container.OpenConnection();

        using (var transaction = connection.BeginTransaction())
        {
            connection.SetTraced();
            connection.Execute(Sql.CreateUsers, transaction);

            connection.ClearTraced();

            connection.Execute(Sql.InsertUser, transaction);
            transaction.Commit();
        }

        var span = Assert.Single(_recorder.Spans);
        Assert.Equal("create_table", span.DisplayName);
    }

    [Fact]
    public void UnregisterEngine_StopTracing_MakesNoSpansEvenForMarkedCommands()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = true);
        using var connection = container.OpenConnection();
        connection.Execute(Sql.CreateUsers);
        Assert.Single(_recorder.Spans);

        _recorder.Clear();
        var database = container.Resolve<ITracedDatabase>();
        database.StopTracing();
        using var select = connection.Command(Sql.SelectUsers);
        select.SetTraced();
        select.ExecuteScalar();

        Assert.False(database.IsTracingEnabled);
        Assert.Empty(_recorder.StartedSpans);

        database.StartTracing();
        connection.Execute(Sql.InsertUser);

        Assert.Equal("insert", Assert.Single(_recorder.Spans).DisplayName);
    }
}
