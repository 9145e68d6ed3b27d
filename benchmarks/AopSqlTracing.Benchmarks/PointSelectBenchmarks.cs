using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing;
using Autofac;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Benchmarks;

/// <summary>
/// Cases 1 and 2: a prepared point SELECT by key on SQLite in memory, raw and through every layer, plus the two
/// floors measured in the same run: a bare Activity with the same tags (span floor) and a Castle proxy whose
/// interceptor only proceeds (Castle floor). Each benchmark runs in its own process, so each setup's listener is its own.
/// </summary>
[MemoryDiagnoser]
public class PointSelectBenchmarks
{
    private static readonly object[] Keys = [.. Enumerable.Range(1, 100).Select(i => (object)i)];
    private static readonly ActivitySource FloorSource = new("SpanFloor");

    private SqliteConnection _raw = null!;
    private DbCommand _rawCommand = null!;
    private DbParameter _rawId = null!;
    private DbCommand _castleCommand = null!;
    private IContainer _container = null!;
    private DbCommand _tracedCommand = null!;
    private DbParameter _tracedId = null!;
    private DbCommand _handCommand = null!;
    private DbParameter _handId = null!;
    private ActivityListener? _listener;
    private System.Diagnostics.Metrics.MeterListener? _meterListener;
    private int _next;

    [GlobalSetup(Targets = [nameof(Raw), nameof(CastleFloor), nameof(ProxiedNoListener)])]
    public void SetupWithoutListener() => Setup(traceAll: true, listen: false);

    [GlobalSetup(Target = nameof(ProxiedNotTraced))]
    public void SetupNotTraced() => Setup(traceAll: false, listen: true);

    [GlobalSetup(Targets = [nameof(Traced), nameof(HandWrittenDecorator), nameof(SpanFloor)])]
    public void SetupTraced() => Setup(traceAll: true, listen: true);

    [GlobalSetup(Target = nameof(MetricsOnly))]
    public void SetupMetricsOnly() => Setup(traceAll: true, listen: false, measure: true);

    [GlobalSetup(Target = nameof(TracedAndMeasured))]
    public void SetupTracedAndMeasured() => Setup(traceAll: true, listen: true, measure: true);

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener?.Dispose();
        _meterListener?.Dispose();
        _container.Dispose();
        _raw.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw ADO.NET")]
    public object? Raw()
    {
        _rawId.Value = NextKey();
        return _rawCommand.ExecuteScalar();
    }

    [Benchmark(Description = "Castle floor (proxy, Proceed only)")]
    public object? CastleFloor()
    {
        _rawId.Value = NextKey();
        return _castleCommand.ExecuteScalar();
    }

    [Benchmark(Description = "proxied, not traced (nothing marked)")]
    public object? ProxiedNotTraced()
    {
        _tracedId.Value = NextKey();
        return _tracedCommand.ExecuteScalar();
    }

    [Benchmark(Description = "proxied, no listener")]
    public object? ProxiedNoListener()
    {
        _tracedId.Value = NextKey();
        return _tracedCommand.ExecuteScalar();
    }

    [Benchmark(Description = "traced, listener sampling all")]
    public object? Traced()
    {
        _tracedId.Value = NextKey();
        return _tracedCommand.ExecuteScalar();
    }

    [Benchmark(Description = "measured only (meter listener, no trace listener)")]
    public object? MetricsOnly()
    {
        _tracedId.Value = NextKey();
        return _tracedCommand.ExecuteScalar();
    }

    [Benchmark(Description = "traced and measured (both listeners)")]
    public object? TracedAndMeasured()
    {
        _tracedId.Value = NextKey();
        return _tracedCommand.ExecuteScalar();
    }

    [Benchmark(Description = "hand-written decorator, same span")]
    public object? HandWrittenDecorator()
    {
        _handId.Value = NextKey();
        return _handCommand.ExecuteScalar();
    }

    [Benchmark(Description = "span floor (bare Activity, same tags, no SQL)")]
    public object? SpanFloor()
    {
        var activity = FloorSource.StartActivity("select", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", "sqlite");
            activity.SetTag("db.namespace", "main");
            activity.SetTag("db.query.text", UsersDatabase.PointSelect);
            activity.SetTag("db.operation.name", "SELECT");
            activity.SetTag("db.query.summary", "SELECT users");
            activity.SetTag("db.collection.name", "users");
        }

        activity?.Stop();
        return activity;
    }

    private object NextKey() => Keys[_next++ % Keys.Length];

    private void Setup(bool traceAll, bool listen, bool measure = false)
    {
        _raw = new SqliteConnection("Data Source=:memory:");
        _raw.Open();
        UsersDatabase.Create(_raw, 100);
        _rawCommand = UsersDatabase.PreparePointSelect(_raw, out _rawId);
        _castleCommand = PassThroughInterceptor.Generator.CreateClassProxyWithTarget(_rawCommand, new PassThroughInterceptor());

        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:"), o => o.TraceAllCommands = traceAll).SingleInstance();
        _container = builder.Build();
        var traced = _container.Resolve<DbConnection>();
        traced.Open();
        UsersDatabase.Create(traced.Unwrap(), 100);
        _tracedCommand = UsersDatabase.PreparePointSelect(traced, out _tracedId);

        var hand = new HandWrittenConnection(new SqliteConnection("Data Source=:memory:"));
        hand.Open();
        UsersDatabase.Create(hand, 100);
        _handCommand = UsersDatabase.PreparePointSelect(hand, out _handId);

        if (listen)
        {
            _listener = SpanListener.Start(SqlTracing.ActivitySourceName, HandWrittenCommand.Source.Name, FloorSource.Name);
        }

        if (measure)
        {
            _meterListener = MeasurementListener.Start();
        }
    }
}
