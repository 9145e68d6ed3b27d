using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing;
using Autofac;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Benchmarks;

/// <summary>
/// The N+1 detector's cost: the same traced point SELECT, run under a marked connection (a unit of work), with the
/// detector off (<c>RepeatedStatementThreshold = 0</c>) and on. Once a shape has been seen in the unit of work,
/// counting it again allocates nothing: the two columns of allocated bytes must be equal.
/// </summary>
[MemoryDiagnoser]
public class RepeatedStatementBenchmarks
{
    private IContainer _container = null!;
    private DbConnection _connection = null!;
    private DbCommand _command = null!;
    private ActivityListener _listener = null!;
    private Activity _unitOfWork = null!;

    [Params(0, 10)]
    public int Threshold { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _listener = SpanListener.Start(SqlTracing.ActivitySourceName, "RepeatedStatementBenchmarks");
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:"), o =>
        {
            o.RepeatedStatementThreshold = Threshold;
            o.RecordMetrics = false;
        }).InstancePerLifetimeScope();
        _container = builder.Build();
        _connection = _container.Resolve<DbConnection>();
        _connection.Open();
        using (var create = _connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('Ada')";
            create.ExecuteNonQuery();
        }

        _command = _connection.CreateCommand();
        _command.CommandText = "SELECT name FROM users WHERE id = 1";
        _unitOfWork = new Activity("unit of work").Start();
        Activity.Current = null;

        // A unit of work that lasts the whole run: every execution is one more of a shape already seen.
        _connection.SetParentSpan(_unitOfWork);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection.ClearTraced();
        _unitOfWork.Stop();
        _command.Dispose();
        _container.Dispose();
        _listener.Dispose();
    }

    [Benchmark(Description = "traced SELECT in a unit of work")]
    public object? SelectInUnitOfWork() => _command.ExecuteScalar();
}
