using System.Data.Common;
using AopSqlTracing;
using Autofac;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Benchmarks;

/// <summary>Case 5: reading 10, 1,000 and 100,000 rows, raw and traced: the overhead must not grow with the rows.</summary>
[MemoryDiagnoser]
public class ReaderBenchmarks
{
    private SqliteConnection _raw = null!;
    private DbCommand _rawCommand = null!;
    private IContainer _container = null!;
    private DbCommand _tracedCommand = null!;
    private System.Diagnostics.ActivityListener _listener = null!;

    [Params(10, 1_000, 100_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _raw = new SqliteConnection("Data Source=:memory:");
        _raw.Open();
        UsersDatabase.Create(_raw, Rows);
        _rawCommand = Select(_raw);

        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:")).SingleInstance();
        _container = builder.Build();
        var traced = _container.Resolve<DbConnection>();
        traced.Open();
        UsersDatabase.Create(traced.Unwrap(), Rows);
        _tracedCommand = Select(traced);
        _listener = SpanListener.Start(SqlTracing.ActivitySourceName);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener.Dispose();
        _container.Dispose();
        _raw.Dispose();
    }

    [Benchmark(Baseline = true, Description = "reader, raw")]
    public long Raw() => ReadAll(_rawCommand);

    [Benchmark(Description = "reader, traced")]
    public long Traced() => ReadAll(_tracedCommand);

    private static DbCommand Select(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name FROM users";
        command.Prepare();
        return command;
    }

    private static long ReadAll(DbCommand command)
    {
        long sum = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            sum += reader.GetInt64(0);
        }

        return sum;
    }
}
