using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Execution;

/// <summary>
/// <c>TraceTransactions</c> and <c>TraceConnectionOpen</c>: a transaction's steps and a connection's open are spans
/// under the parent the connection's statements get, on a traced connection and from a traced data source; off, as
/// by default, there are none.
/// </summary>
public abstract class TransactionTimingSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    // These tests name steps by kind (commit), as the seed names statements; the default names them as statements
    // are by default, by their operation (COMMIT).
    protected override void ConfigureSuite(SqlTracingOptions options) => options.SpanNaming = SqlSpanNaming.StatementKind;

    private static readonly Action<SqlTracingOptions> Steps = o =>
    {
        o.TraceAllCommands = false;
        o.TraceTransactions = true;
        o.TraceConnectionOpen = true;
    };

    [SkippableFact]
    public void Steps_DefaultNaming_AreNamedByTheirOperationAsStatementsAreBySummary()
    {
        using var connection = Open(o =>
        {
            Steps(o);
            o.SpanNaming = SqlSpanNaming.QuerySummary;
        });
        connection.SetTraced();

        using (var transaction = connection.BeginTransaction())
        {
            transaction.Commit();
        }

        Assert.Equal(["BEGIN", "COMMIT"], Recorder.Spans.Select(s => s.DisplayName));
    }

    [SkippableFact]
    public void Commit_IsASpanUnderTheConnectionsParent_AndStillEndsItsMark()
    {
        using var connection = Open(Steps);
        CreateUsers(connection);
        using var checkout = Recorder.StartParent("checkout");
        connection.SetParentSpan(checkout);

        using (var transaction = connection.BeginTransaction())
        {
            connection.Execute("INSERT INTO users (name) VALUES ('Edsger')", transaction);
            transaction.Commit();
        }

        connection.Execute("SELECT 1");

        Assert.Equal(["BEGIN", "INSERT", "COMMIT"], Recorder.Spans.Select(s => s.GetTagItem("db.operation.name")));
        Assert.Equal(["begin", "commit"], Recorder.Spans.Where(IsStep).Select(s => s.DisplayName));
        Assert.All(Recorder.Spans, span =>
        {
            Assert.Equal(checkout.SpanId, span.ParentSpanId);
            Assert.Equal(Provider.SystemName, span.GetTagItem("db.system.name"));
            Assert.Equal(ActivityStatusCode.Unset, span.Status);
        });
    }

    [SkippableFact]
    public async Task SavepointsAndRollback_Async_AreSpansNamedByKind()
    {
        using var connection = Open(Steps);
        CreateUsers(connection);
        using var order = Recorder.StartParent("order");
        connection.SetParentSpan(order);

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await transaction.SaveAsync("before_insert");
            connection.Execute("INSERT INTO users (name) VALUES ('Edsger')", transaction);
            await transaction.RollbackAsync("before_insert");
            await transaction.SaveAsync("again");
            await transaction.ReleaseAsync("again");
            await transaction.RollbackAsync();
        }

        Assert.Equal(
            ["begin", "savepoint", "rollback_to_savepoint", "savepoint", "release_savepoint", "rollback"],
            Recorder.Spans.Where(IsStep).Select(s => s.DisplayName));
        Assert.Equal(
            ["BEGIN", "SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK"],
            Recorder.Spans.Where(IsStep).Select(s => s.GetTagItem("db.operation.name")));
        Assert.All(Recorder.Spans, span => Assert.Equal(order.SpanId, span.ParentSpanId));
    }

    [SkippableFact]
    public void SyncSavepoints_AreSpansToo()
    {
        using var connection = Open(Steps);
        connection.SetTraced();
        using var transaction = connection.BeginTransaction();
        transaction.Save("one");
        transaction.Rollback("one");
        transaction.Release("one");
        transaction.Commit();

        Assert.Equal(
            ["begin", "savepoint", "rollback_to_savepoint", "release_savepoint", "commit"],
            Recorder.Spans.Where(IsStep).Select(s => s.DisplayName));
        Assert.All(Recorder.Spans, span => Assert.Equal(Recorder.Root.SpanId, span.ParentSpanId));
    }

    [SkippableFact]
    public void FailedCommit_FailsItsSpan_AndTheCallerGetsTheProvidersException()
    {
        using var connection = Open(Steps);
        connection.SetTraced();
        using var transaction = connection.BeginTransaction();
        transaction.Commit();
        using var raw = OpenRaw();
        using var rawTransaction = raw.BeginTransaction();
        rawTransaction.Commit();
        var expected = Record.Exception(rawTransaction.Commit);
        connection.SetTraced(); // the first commit ended the connection's mark

        var thrown = Record.Exception(transaction.Commit);

        Assert.NotNull(expected);
        Assert.Equal(expected.GetType(), thrown?.GetType());
        Assert.Equal(expected.Message, thrown!.Message);
        var failed = Recorder.Spans.Last(s => s.DisplayName == "commit");
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal(thrown.GetType().FullName, failed.GetTagItem("error.type"));
        Assert.Contains(failed.Events, e => e.Name == "exception");
    }

    [SkippableFact]
    public async Task Open_SyncAndAsync_IsASpanUnderTheScopesParent()
    {
        var container = Container(Steps);
        WarmUp(container);
        using var scope = container.BeginLifetimeScope();
        using var request = Recorder.StartParent("request");
        scope.SetParentSpan(request);

        using (var connection = scope.Resolve<DbConnection>())
        {
            connection.Open();
            connection.Close();
            await connection.OpenAsync();
        }

        var opens = Recorder.Spans;
        Assert.Equal(["open", "open"], opens.Select(s => s.DisplayName));
        Assert.All(opens, span =>
        {
            Assert.Equal(request.SpanId, span.ParentSpanId);
            Assert.Equal(Provider.SystemName, span.GetTagItem("db.system.name"));
            Assert.Null(span.GetTagItem("db.operation.name"));
            Assert.True(span.Duration > TimeSpan.Zero);
        });
    }

    [SkippableFact]
    public async Task DataSource_OpensAndTransactions_AreSpans()
    {
        using var container = DataSourceContainer(Steps);
        var dataSource = container.Resolve<DbDataSource>();
        dataSource.OpenConnection().Dispose();
        Recorder.Clear();
        using var job = Recorder.StartParent("job");
        container.SetParentSpanUntilScopeEnds(job);

        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await transaction.CommitAsync();
        }

        using (dataSource.OpenConnection())
        {
        }

        Assert.Equal(["open", "begin", "commit", "open"], Recorder.Spans.Select(s => s.DisplayName));
        Assert.All(Recorder.Spans, span =>
        {
            Assert.Equal(job.SpanId, span.ParentSpanId);
            Assert.Equal(Provider.SystemName, span.GetTagItem("db.system.name"));
        });
    }

    [SkippableFact]
    public void Off_ByDefault_NoStepIsASpan()
    {
        using var container = DataSourceContainer();
        using (var connection = container.Resolve<DbDataSource>().OpenConnection())
        using (var transaction = connection.BeginTransaction())
        {
            transaction.Save("one");
            connection.Execute("SELECT 1", transaction);
            transaction.Commit();
        }

        using (var connection = Open())
        {
            connection.BeginTransaction().Rollback();
        }

        Assert.Equal(["SELECT"], Recorder.Spans.Select(s => s.GetTagItem("db.operation.name")));
    }

    [SkippableFact]
    public void Steps_FollowTheConnectionsStatements_UnmarkedAndNotTracingAll_NoSpans()
    {
        using var connection = Open(Steps);
        using var transaction = connection.BeginTransaction();
        transaction.Commit();

        Assert.Empty(Recorder.Spans);
    }

    private static bool IsStep(Activity span) => span.GetTagItem("db.operation.name") is "BEGIN" or "COMMIT" or "ROLLBACK"
        or "SAVEPOINT" or "ROLLBACK TO SAVEPOINT" or "RELEASE SAVEPOINT";

    // MySqlConnector tells MariaDB from MySQL once a connection of the process has been open (MariaDbConventionsFixture).
    private void WarmUp(IContainer container)
    {
        using (var scope = container.BeginLifetimeScope())
        {
            scope.OpenConnection().Dispose();
        }

        Recorder.Clear();
    }
}

public sealed class SqliteTransactionTiming : TransactionTimingSuite<SqliteProvider>;

public sealed class PostgresTransactionTiming : TransactionTimingSuite<PostgresProvider>;

public sealed class MariaDbTransactionTiming : TransactionTimingSuite<MariaDbProvider>;
