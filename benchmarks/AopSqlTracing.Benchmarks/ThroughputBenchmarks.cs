using System.Data.Common;
using AopSqlTracing;
using Autofac;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Benchmarks;

/// <summary>
/// Case 7: 1, 4 and 16 threads, each running point selects on its own connection to one SQLite file database (WAL),
/// raw and traced. If tracing added a shared lock, the traced/raw ratio would grow with the threads.
/// </summary>
[MemoryDiagnoser]
public class ThroughputBenchmarks
{
    private const int OperationsPerThread = 2_000;

    private string _path = null!;
    private IContainer _container = null!;
    private (DbCommand Command, DbParameter Id)[] _raw = [];
    private (DbCommand Command, DbParameter Id)[] _traced = [];
    private System.Diagnostics.ActivityListener _listener = null!;

    [Params(1, 4, 16)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"aopsql-bench-{Guid.NewGuid():N}.db");
        var connectionString = $"Data Source={_path}";
        using (var setup = new SqliteConnection(connectionString))
        {
            setup.Open();
            using var wal = setup.CreateCommand();
            wal.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)";
            wal.ExecuteNonQuery();
            using var fill = setup.CreateCommand();
            fill.CommandText = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO users (name) SELECT 'user ' || i FROM n";
            fill.ExecuteNonQuery();
        }

        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection(connectionString)).InstancePerDependency();
        _container = builder.Build();

        _raw = [.. Enumerable.Range(0, Threads).Select(_ => Prepare(new SqliteConnection(connectionString)))];
        _traced = [.. Enumerable.Range(0, Threads).Select(_ => Prepare(_container.Resolve<DbConnection>()))];
        _listener = SpanListener.Start(SqlTracing.ActivitySourceName);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener.Dispose();
        foreach (var (command, _) in _raw.Concat(_traced))
        {
            command.Connection?.Dispose();
        }

        _container.Dispose();
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    [Benchmark(Baseline = true, Description = "point selects, raw", OperationsPerInvoke = OperationsPerThread)]
    public void Raw() => Run(_raw);

    [Benchmark(Description = "point selects, traced", OperationsPerInvoke = OperationsPerThread)]
    public void Traced() => Run(_traced);

    private static (DbCommand, DbParameter) Prepare(DbConnection connection)
    {
        connection.Open();
        return (UsersDatabase.PreparePointSelect(connection, out var id), id);
    }

    private static void Run((DbCommand Command, DbParameter Id)[] workers)
    {
        var threads = workers.Select(worker => new Thread(() =>
        {
            for (var i = 0; i < OperationsPerThread; i++)
            {
                worker.Id.Value = (i % 1000) + 1;
                worker.Command.ExecuteScalar();
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}
