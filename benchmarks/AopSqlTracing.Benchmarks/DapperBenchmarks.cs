using System.Data.Common;
using AopSqlTracing;
using Autofac;
using BenchmarkDotNet.Attributes;
using Dapper;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Benchmarks;

/// <summary>Case 4: Dapper's QueryFirst, a new command per call, raw and traced.</summary>
[MemoryDiagnoser]
public class DapperBenchmarks
{
    private SqliteConnection _raw = null!;
    private IContainer _container = null!;
    private DbConnection _traced = null!;
    private System.Diagnostics.ActivityListener _listener = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _raw = new SqliteConnection("Data Source=:memory:");
        _raw.Open();
        UsersDatabase.Create(_raw, 100);

        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:")).SingleInstance();
        _container = builder.Build();
        _traced = _container.Resolve<DbConnection>();
        _traced.Open();
        UsersDatabase.Create(_traced.Unwrap(), 100);
        _listener = SpanListener.Start(SqlTracing.ActivitySourceName);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener.Dispose();
        _container.Dispose();
        _raw.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Dapper QueryFirst, raw")]
    public string Raw() => _raw.QueryFirst<string>(UsersDatabase.PointSelect, new { id = Next() });

    [Benchmark(Description = "Dapper QueryFirst, traced")]
    public string Traced() => _traced.QueryFirst<string>(UsersDatabase.PointSelect, new { id = Next() });

    private int Next() => (_next++ % 100) + 1;
}
