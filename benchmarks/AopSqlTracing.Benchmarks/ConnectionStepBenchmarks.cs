using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing;
using Autofac;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Benchmarks;

/// <summary>
/// What <see cref="SqlTracingOptions.TraceTransactions"/> and <see cref="SqlTracingOptions.TraceConnectionOpen"/>
/// cost, off (the default) and on: a transaction begun and committed, and a connection opened and closed, on a traced
/// SQLite connection with every command traced (a listener sampling all).
/// </summary>
[MemoryDiagnoser]
public class ConnectionStepBenchmarks
{
    private IContainer _container = null!;
    private DbConnection _connection = null!;
    private ActivityListener _listener = null!;

    [Params(false, true)]
    public bool StepsTraced { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _listener = SpanListener.Start(SqlTracing.ActivitySourceName, "ConnectionStepBenchmarks");
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=file:steps?mode=memory&cache=shared"), o =>
        {
            o.TraceTransactions = StepsTraced;
            o.TraceConnectionOpen = StepsTraced;
            o.RecordMetrics = false;
        }).InstancePerLifetimeScope();
        _container = builder.Build();
        _connection = _container.Resolve<DbConnection>();
        _connection.Open();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _container.Dispose();
        _listener.Dispose();
    }

    [Benchmark(Description = "BEGIN + COMMIT")]
    public void BeginAndCommit()
    {
        using var transaction = _connection.BeginTransaction();
        transaction.Commit();
    }

    [Benchmark(Description = "Close + Open")]
    public void CloseAndOpen()
    {
        _connection.Close();
        _connection.Open();
    }
}
