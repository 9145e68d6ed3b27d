using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;
using Dapper;

namespace AopSqlTracing.Tests.Execution;

/// <summary>
/// The N+1 detector: one statement shape run at least <c>RepeatedStatementThreshold</c> times within one unit of work
/// is said once, on the unit of work's span, when the unit of work ends; values never tell shapes apart.
/// </summary>
public abstract class RepeatedStatementSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableFact]
    public void ConnectionUnitOfWork_OneSelectPerRow_SaidOnceOnTheParentAtCommit()
    {
        using var connection = Open(o => o.RepeatedStatementThreshold = 3);
        CreateUsers(connection);
        using var checkout = Recorder.StartParent("checkout");
        connection.SetParentSpan(checkout);

        using (var transaction = connection.BeginTransaction())
        {
            // Literal values, as hand-written N+1 loops often have: the sanitised shape is one.
            foreach (var id in new[] { 1, 2, 3, 1 })
            {
                using var command = connection.Command($"SELECT name FROM users WHERE id = {id}", transaction);
                command.ExecuteScalar();
            }

            connection.Execute("UPDATE users SET name = 'Ada L' WHERE id = 1", transaction);
            Assert.Empty(checkout.Events);
            transaction.Commit();
        }

        var repeated = Assert.Single(checkout.Events);
        Assert.Equal("db.repeated_statement", repeated.Name);
        var tags = repeated.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal("SELECT users", tags["db.query.summary"]);
        Assert.Equal("SELECT", tags["db.operation.name"]);
        Assert.Equal("SELECT name FROM users WHERE id = ?", tags["db.query.text"]);
        Assert.Equal(4, tags["db.repeated_statement.count"]);
        Assert.Equal(3, tags["db.repeated_statement.threshold"]);
    }

    [SkippableFact]
    public void DapperInAMarkedScope_SaidWhenTheMarkIsCleared_AndOnlyAboveTheThreshold()
    {
        var container = Container(o => o.RepeatedStatementThreshold = 5);
        using var scope = container.BeginLifetimeScope();
        var connection = scope.OpenConnection();
        CreateUsers(connection);
        using var request = Recorder.StartParent("request");
        scope.SetParentSpan(request);

        var names = new[] { 1, 2, 3, 1, 2 }.Select(id => connection.QuerySingle<string>("SELECT name FROM users WHERE id = @id", new { id })).ToList();
        connection.Query<long>("SELECT COUNT(*) FROM users WHERE id < @limit", new { limit = 2 }).AsList();
        connection.Query<long>("SELECT COUNT(*) FROM users WHERE id < @limit", new { limit = 3 }).AsList();
        scope.ClearTraced();

        Assert.Equal(["Ada", "Grace", "Barbara", "Ada", "Grace"], names);
        var repeated = Assert.Single(request.Events);
        Assert.Equal("SELECT name FROM users WHERE id = @id", repeated.Tags.Single(t => t.Key == "db.query.text").Value);
        Assert.Equal(5, repeated.Tags.Single(t => t.Key == "db.repeated_statement.count").Value);
    }

    [SkippableFact]
    public void ScopeEnding_EndsItsUnitOfWork_AndTheCounterCountsTheShape()
    {
        var table = "repeated_" + Guid.NewGuid().ToString("N")[..12];
        using var measurements = new MeasurementRecorder(table);
        var container = Container(o => o.RepeatedStatementThreshold = 2);
        using var job = Recorder.StartParent("job");
        using (var scope = container.BeginLifetimeScope())
        {
            var connection = scope.OpenConnection();
            connection.Execute($"CREATE TEMPORARY TABLE {table} (id INT)");
            scope.SetParentSpanUntilScopeEnds(job);
            connection.Execute($"SELECT id FROM {table} WHERE id = 1");
            connection.Execute($"SELECT id FROM {table} WHERE id = 2");
            Assert.Empty(job.Events);
        }

        Assert.Equal(2, job.Events.Single(e => e.Name == "db.repeated_statement").Tags.Single(t => t.Key == "db.repeated_statement.count").Value);
        var counted = Assert.Single(measurements.RepeatedStatements);
        Assert.Equal(1d, counted.Value);
        Assert.Equal("SELECT " + table, counted.Attributes["db.query.summary"]);
        Assert.Equal(Provider.SystemName, counted.Attributes["db.system.name"]);
        Assert.False(counted.Attributes.ContainsKey("db.query.text"));
    }

    [SkippableFact]
    public void RepositoryCall_IsAUnitOfWork_SaidOnItsSpanBeforeItEnds()
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection(), o => o.RepeatedStatementThreshold = 3).InstancePerLifetimeScope();
        builder.RegisterType<Lookups>().As<ILookups>().InstancePerLifetimeScope();
        var container = builder.Build();
        Track(container);
        using var scope = container.BeginLifetimeScope();
        CreateUsers(scope.OpenConnection());

        Assert.Equal(3, scope.Resolve<ILookups>().NamesOneByOne(3).Count);

        var call = Assert.Single(Recorder.CallSpans);
        var repeated = Assert.Single(call.Events);
        Assert.Equal(3, repeated.Tags.Single(t => t.Key == "db.repeated_statement.count").Value);
    }

    [SkippableFact]
    public void NoUnitOfWork_OrTurnedOff_NothingIsSaid()
    {
        using (var underCurrent = Open(o => o.RepeatedStatementThreshold = 2))
        {
            for (var i = 0; i < 3; i++)
            {
                underCurrent.Execute("SELECT 1");
            }
        }

        using var off = Open(o => o.RepeatedStatementThreshold = 0);
        using var parent = Recorder.StartParent();
        off.SetParentSpan(parent);
        for (var i = 0; i < 3; i++)
        {
            off.Execute("SELECT 1");
        }

        off.ClearTraced();
        Assert.Equal(6, Recorder.Spans.Count);
        Assert.Empty(Recorder.Root.Events);
        Assert.Empty(parent.Events);
    }

    [Fact]
    public void Threshold_Negative_ArgumentOutOfRangeNamingIt()
    {
        var options = new SqlTracingOptions();

        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => options.RepeatedStatementThreshold = -1);

        Assert.Equal(nameof(SqlTracingOptions.RepeatedStatementThreshold), refused.ParamName);
        Assert.Equal(10, options.RepeatedStatementThreshold);
    }

    [Traced]
    public interface ILookups
    {
        List<string> NamesOneByOne(int count);
    }

    public sealed class Lookups(DbConnection connection) : ILookups
    {
        public List<string> NamesOneByOne(int count)
            => [.. Enumerable.Range(1, count).Select(id => connection.QuerySingle<string>("SELECT name FROM users WHERE id = @id", new { id }))];
    }
}

public sealed class SqliteRepeatedStatements : RepeatedStatementSuite<SqliteProvider>;

public sealed class PostgresRepeatedStatements : RepeatedStatementSuite<PostgresProvider>;

public sealed class MariaDbRepeatedStatements : RepeatedStatementSuite<MariaDbProvider>;
