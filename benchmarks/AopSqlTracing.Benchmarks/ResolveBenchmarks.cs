using System.Data.Common;
using AopSqlTracing;
using Autofac;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Benchmarks;

/// <summary>Case 3: what resolving a traced connection costs, against new-ing one and resolving the same factory untraced.</summary>
[MemoryDiagnoser]
public class ResolveBenchmarks
{
    private const string ConnectionString = "Data Source=:memory:";

    private IContainer _untraced = null!;
    private IContainer _traced = null!;

    [GlobalSetup]
    public void Setup()
    {
        var untraced = new ContainerBuilder();
        untraced.Register(_ => new SqliteConnection(ConnectionString)).As<DbConnection>().ExternallyOwned();
        _untraced = untraced.Build();

        var traced = new ContainerBuilder();
        traced.RegisterTracedDatabase(_ => new SqliteConnection(ConnectionString)).ExternallyOwned();
        _traced = traced.Build();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _untraced.Dispose();
        _traced.Dispose();
    }

    [Benchmark(Baseline = true, Description = "new SqliteConnection")]
    public DbConnection New() => new SqliteConnection(ConnectionString);

    [Benchmark(Description = "resolve, untraced registration")]
    public DbConnection ResolveUntraced() => _untraced.Resolve<DbConnection>();

    [Benchmark(Description = "resolve, traced registration")]
    public DbConnection ResolveTraced() => _traced.Resolve<DbConnection>();
}
