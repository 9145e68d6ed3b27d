using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;
using Dapper;

namespace AopSqlTracing.Tests.Autofac;

/// <summary>
/// Applications that get their connections from a <see cref="DbDataSource"/>, as .NET 7+ recommends: the data source
/// registered with <c>RegisterTracedDataSource</c> hands out traced connections, runs traced commands of its own, and
/// carries the marks of the scope that resolved it.
/// </summary>
public abstract class DataSourceSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableFact]
    public async Task Connections_OpenedSyncAndAsync_AreTraced()
    {
        using var container = DataSourceContainer();
        var dataSource = container.Resolve<DbDataSource>();

        using (var connection = dataSource.OpenConnection())
        {
            connection.Execute("SELECT 1 AS sync_open");
        }

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteScalarAsync<long>("SELECT 2 AS async_open");
        }

        using (var created = dataSource.CreateConnection())
        {
            created.Open();
            created.Execute("SELECT 3 AS created");
        }

        Assert.Equal(["SELECT ? AS sync_open", "SELECT ? AS async_open", "SELECT ? AS created"], Recorder.Spans.Select(s => s.GetTagItem("db.query.text")));
        Assert.All(Recorder.Spans, span => Assert.Equal(Provider.SystemName, span.GetTagItem("db.system.name")));
        Assert.NotSame(dataSource, dataSource.Unwrap());
    }

    [SkippableFact]
    public void DataSourceCommand_RunsTracedWithTheDataSourcesAttributes()
    {
        using var container = DataSourceContainer();
        var dataSource = container.Resolve<DbDataSource>();

        // MySqlConnector tells MariaDB from MySQL only on an open connection, and a data source's own command opens
        // its own out of sight: a connection to the server has been open first, as in any application that runs
        // (MariaDbConventionsFixture shows the first command of a process).
        dataSource.OpenConnection().Dispose();
        using var command = dataSource.CreateCommand("SELECT 42");
        Assert.Equal(42L, Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("SELECT", span.DisplayName);
        Assert.Equal(Provider.SystemName, span.GetTagItem("db.system.name"));
        Assert.Equal(Provider.DatabaseName, span.GetTagItem("db.namespace"));
    }

    [SkippableFact]
    public void DataSourceBatch_IsOneSpan()
    {
        using var container = DataSourceContainer();
        var dataSource = container.Resolve<DbDataSource>();
        Skip.IfNot(dataSource.Unwrap().CreateConnection().CanCreateBatch, $"{Provider.SystemName} has no batches.");

        using var batch = dataSource.CreateBatch();
        foreach (var sql in new[] { "SELECT 1", "SELECT 2" })
        {
            // The framework's batch of a data source without batches of its own (MySqlConnector's) cannot create
            // commands (NotImplementedException, traced or not); the provider's batch commands go into it.
            var command = Provider.CreateConnection().CreateBatch().CreateBatchCommand();
            command.CommandText = sql;
            batch.BatchCommands.Add(command);
        }

        using (var reader = batch.ExecuteReader())
        {
            while (reader.NextResult())
            {
            }
        }

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(2, span.GetTagItem("db.operation.batch.size"));
    }

    [SkippableFact]
    public void ConnectionMark_OnADataSourceConnection_ParentsItsStatements()
    {
        using var container = DataSourceContainer(o => o.TraceAllCommands = false);
        using var connection = container.Resolve<DbDataSource>().OpenConnection();
        using var parent = Recorder.StartParent();

        connection.Execute("SELECT 1 AS untraced");
        connection.SetParentSpan(parent);
        connection.Execute("SELECT 2 AS marked");

        Assert.Equal(parent.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public void ScopeMark_SingletonDataSourceResolvedInAMarkedScope_ItsConnectionsCarryThatScopesMark()
    {
        using var container = DataSourceContainer(o => o.TraceAllCommands = false);
        using var parent = Recorder.StartParent("request A");
        using var marked = container.BeginLifetimeScope();
        using var other = container.BeginLifetimeScope();
        marked.SetParentSpan(parent);

        using (var connection = other.Resolve<DbDataSource>().OpenConnection())
        {
            connection.Execute("SELECT 1 AS other_request");
        }

        using (var connection = marked.Resolve<DbDataSource>().OpenConnection())
        {
            connection.Execute("SELECT 2 AS marked_request");
        }

        Assert.Same(marked.Resolve<DbDataSource>().Unwrap(), other.Resolve<DbDataSource>().Unwrap());
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("SELECT ? AS marked_request", span.GetTagItem("db.query.text"));
        Assert.Equal(parent.SpanId, span.ParentSpanId);
    }

    [SkippableFact]
    public void Repository_TakingTheDataSource_ParentsItsSql()
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDataSource(_ => Provider.CreateDataSource(), o => o.TraceAllCommands = false).SingleInstance();
        builder.RegisterType<Counter>().As<ICounter>().InstancePerLifetimeScope();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();

        Assert.Equal(7L, scope.Resolve<ICounter>().Seven());

        Assert.Equal(Assert.Single(Recorder.CallSpans).SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public async Task SixteenThreads_OneDataSource_EachStatementUnderItsOwnParent()
    {
        using var container = DataSourceContainer(o => o.TraceAllCommands = false);
        var dataSource = container.Resolve<DbDataSource>();
        var parents = Enumerable.Range(0, 16).Select(i => Recorder.StartParent($"worker {i}")).ToList();

        await Task.WhenAll(parents.Select((parent, i) => Task.Run(async () =>
        {
            for (var round = 0; round < 20; round++)
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                connection.SetParentSpan(parent);
                await connection.ExecuteScalarAsync<long>($"SELECT {i} AS worker");
            }
        })));

        foreach (var parent in parents)
        {
            parent.Stop();
        }

        Assert.Equal(16 * 20, Recorder.Spans.Count);
        foreach (var (parent, i) in parents.Select((parent, i) => (parent, i)))
        {
            Assert.Equal(20, Recorder.Spans.Count(span => span.ParentSpanId == parent.SpanId));
        }
    }

    [SkippableFact]
    public void Container_Disposed_DisposesTheProvidersDataSourceOnce()
    {
        RequireProvider();
        var disposals = 0;
        var builder = new ContainerBuilder();
        builder.RegisterTracedDataSource(_ => new CountingDataSource(Provider.CreateDataSource(), () => disposals++)).SingleInstance();
        var container = builder.Build();
        using (var scope = container.BeginLifetimeScope())
        {
            scope.Resolve<DbDataSource>().OpenConnection().Dispose();
        }

        container.Resolve<DbDataSource>();
        container.Dispose();

        Assert.Equal(1, disposals);
    }

    [SkippableFact]
    public void TraceAllDatabases_PlainDataSourceRegistration_IsTraced()
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.TraceAllDatabases();
        builder.Register(_ => Provider.CreateDataSource()).As<DbDataSource>().SingleInstance();
        using var container = builder.Build();

        using var connection = container.Resolve<DbDataSource>().OpenConnection();
        connection.Execute("SELECT 1");

        Assert.Single(Recorder.Spans);
    }

    [SkippableFact]
    public void Dapper_ListParameterOnADataSourceConnection_SendsWhatItSendsOnTheRawOne()
    {
        using var container = DataSourceContainer();
        using var connection = container.Resolve<DbDataSource>().OpenConnection();
        using var raw = Provider.CreateDataSource().OpenConnection();
        var ids = new[] { 1, 2, 3 };
        var sql = $"SELECT count(*) FROM (SELECT 1 AS id UNION ALL SELECT 2 UNION ALL SELECT 5) AS s WHERE {Provider.MatchesAny("id", "@ids")}";

        var traced = connection.ExecuteScalar<long>(sql, new { ids });
        var untraced = raw.ExecuteScalar<long>(sql, new { ids });

        Assert.Equal(untraced, traced);
        Assert.Equal(2, traced);
        Assert.Single(Recorder.Spans);
    }

    [SkippableFact]
    public void Metrics_DataSourceConnectionAndCommand_EachMeasured()
    {
        var table = "ds_" + Guid.NewGuid().ToString("N")[..10];
        using var container = DataSourceContainer(o => o.TraceAllCommands = false);
        var dataSource = container.Resolve<DbDataSource>();
        using var connection = dataSource.OpenConnection();
        connection.Execute($"CREATE TEMPORARY TABLE {table} (id INTEGER)");
        using var metrics = new MeasurementRecorder(table);

        connection.Execute($"INSERT INTO {table} (id) VALUES (1)");
        connection.Execute($"SELECT id FROM {table}");

        Assert.Equal(["INSERT", "SELECT"], metrics.Durations.Select(m => m.Attributes["db.operation.name"]));
        Assert.Empty(Recorder.Spans);
    }

    [SkippableFact]
    public async Task DataSourceCommandAndBatch_InAMarkedScope_RunUnderTheScopesParent()
    {
        using var container = DataSourceContainer();
        using var scope = container.BeginLifetimeScope();
        var dataSource = scope.Resolve<DbDataSource>();
        using var request = Recorder.StartParent("request");
        scope.SetParentSpan(request);

        // Reading command.Connection throws on a data source's own command: the decision must not ask it.
        await using var command = dataSource.CreateCommand("SELECT 7");
        Assert.Equal(7L, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(request.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);

        if (dataSource.Unwrap().CreateConnection().CanCreateBatch)
        {
            await using var batch = dataSource.CreateBatch();
            var batchCommand = Provider.CreateConnection().CreateBatch().CreateBatchCommand();
            batchCommand.CommandText = "SELECT 8";
            batch.BatchCommands.Add(batchCommand);
            Assert.Equal(8L, Convert.ToInt64(await batch.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
            Assert.All(Recorder.Spans, span => Assert.Equal(request.SpanId, span.ParentSpanId));
        }
    }

    [SkippableFact]
    public void DataSourceCommand_UnderARegisteredPolicy_ThePolicyHearsOfAConnectionOfTheDataSource()
    {
        RequireProvider();
        var seen = new List<DbConnection?>();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDataSource(_ => Provider.CreateDataSource()).SingleInstance();
        builder.RegisterInstance<IParentSpanPolicy>(new RecordingPolicy(seen));
        using var container = builder.Build();
        var dataSource = container.Resolve<DbDataSource>();

        using var command = dataSource.CreateCommand("SELECT 9");
        Assert.Equal(9L, Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));

        Assert.Single(Recorder.Spans);
        var connection = Assert.Single(seen);
        Assert.NotNull(connection);
        Assert.Equal(dataSource.Unwrap().CreateConnection().GetType(), connection.GetType());
    }

    [SkippableFact]
    public void DataSourceCommand_WithItsOwnMark_RunsUnderIt()
    {
        using var container = DataSourceContainer(o => o.TraceAllCommands = false);
        var dataSource = container.Resolve<DbDataSource>();
        using var parent = Recorder.StartParent("marked");

        using var command = dataSource.CreateCommand("SELECT 10");
        command.SetParentSpan(parent);
        command.ExecuteScalar();

        Assert.Equal(parent.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    private sealed class RecordingPolicy(List<DbConnection?> seen) : IParentSpanPolicy
    {
        public ParentSpanDecision Decide(in SqlExecution execution)
        {
            lock (seen)
            {
                seen.Add(execution.Connection);
            }

            return DefaultParentSpanPolicy.Instance.Decide(execution);
        }
    }

    [Traced]
    public interface ICounter
    {
        long Seven();
    }

    public sealed class Counter(DbDataSource dataSource) : ICounter
    {
        public long Seven()
        {
            using var connection = dataSource.OpenConnection();
            return connection.ExecuteScalar<long>("SELECT 7");
        }
    }

    // A data source that counts how often it is disposed, forwarding everything else.
    private sealed class CountingDataSource(DbDataSource inner, Action disposed) : DbDataSource
    {
        public override string ConnectionString => inner.ConnectionString;

        protected override DbConnection CreateDbConnection() => inner.CreateConnection();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                disposed();
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

public sealed class SqliteDataSource : DataSourceSuite<SqliteProvider>;

public sealed class PostgresDataSource : DataSourceSuite<PostgresProvider>;

public sealed class MariaDbDataSource : DataSourceSuite<MariaDbProvider>;
