using System.Data.Common;
using AopSqlTracing;
using Autofac;
using BenchmarkDotNet.Attributes;
using Npgsql;

namespace AopSqlTracing.Benchmarks;

/// <summary>
/// PostgreSQL: a point SELECT raw, traced by AopSqlTracing, and traced by Npgsql's own tracing (its ActivitySource
/// "Npgsql", listened to), in one run. Runs only when AOPSQL_POSTGRES holds a connection string.
/// </summary>
[MemoryDiagnoser]
public class PostgresBenchmarks
{
    public const string Variable = "AOPSQL_POSTGRES";

    private NpgsqlDataSource _dataSource = null!;
    private NpgsqlConnection _raw = null!;
    private DbCommand _rawCommand = null!;
    private DbParameter _rawId = null!;
    private IContainer _container = null!;
    private DbCommand _tracedCommand = null!;
    private DbParameter _tracedId = null!;
    private System.Diagnostics.ActivityListener? _listener;
    private int _next;

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    [GlobalSetup(Target = nameof(Raw))]
    public void SetupRaw() => Setup(listenTo: null);

    [GlobalSetup(Target = nameof(TracedByAopSqlTracing))]
    public void SetupOurs() => Setup(listenTo: SqlTracing.ActivitySourceName);

    [GlobalSetup(Target = nameof(TracedByNpgsql))]
    public void SetupNpgsql() => Setup(listenTo: "Npgsql");

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener?.Dispose();
        _container.Dispose();
        _raw.Dispose();
        _dataSource.Dispose();
    }

    [Benchmark(Baseline = true, Description = "PostgreSQL point select, raw")]
    public object? Raw()
    {
        _rawId.Value = Next();
        return _rawCommand.ExecuteScalar();
    }

    [Benchmark(Description = "traced by AopSqlTracing")]
    public object? TracedByAopSqlTracing()
    {
        _tracedId.Value = Next();
        return _tracedCommand.ExecuteScalar();
    }

    [Benchmark(Description = "traced by Npgsql's own tracing")]
    public object? TracedByNpgsql()
    {
        _rawId.Value = Next();
        return _rawCommand.ExecuteScalar();
    }

    private int Next() => (_next++ % 100) + 1;

    private void Setup(string? listenTo)
    {
        var builder = new NpgsqlDataSourceBuilder(ConnectionString);
        _dataSource = builder.Build();
        _raw = _dataSource.OpenConnection();
        UsersDatabase.Create(_raw, 100, "SERIAL PRIMARY KEY");
        _rawCommand = UsersDatabase.PreparePointSelect(_raw, out _rawId);

        var container = new ContainerBuilder();
        container.RegisterTracedDatabase(_ => _dataSource.CreateConnection()).SingleInstance();
        _container = container.Build();
        var traced = _container.Resolve<DbConnection>();
        traced.Open();
        UsersDatabase.Create(traced.Unwrap(), 100, "SERIAL PRIMARY KEY");
        _tracedCommand = UsersDatabase.PreparePointSelect(traced, out _tracedId);

        if (listenTo is not null)
        {
            _listener = SpanListener.Start(listenTo);
        }
    }
}
