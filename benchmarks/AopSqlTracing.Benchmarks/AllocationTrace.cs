using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing;
using Autofac;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Benchmarks;

/// <summary>
/// `--allocations`: where each byte of a traced point select goes, measured step by step with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> over many runs (exact, and deaf to CPU noise).
/// </summary>
public static class AllocationTrace
{
    private const int Runs = 20_000;

    public static void Run()
    {
        using var raw = new SqliteConnection("Data Source=:memory:");
        raw.Open();
        UsersDatabase.Create(raw, 100);
        var rawCommand = UsersDatabase.PreparePointSelect(raw, out var rawId);
        var castle = PassThroughInterceptor.Generator.CreateClassProxyWithTarget(rawCommand, new PassThroughInterceptor());

        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:")).SingleInstance();
        using var container = builder.Build();
        var traced = container.Resolve<DbConnection>();
        traced.Open();
        UsersDatabase.Create(traced.Unwrap(), 100);
        var tracedCommand = UsersDatabase.PreparePointSelect(traced, out var tracedId);
        object key = 1;
        rawId.Value = key;
        tracedId.Value = key;

        var source = new ActivitySource("AllocationTrace");
        var asyncLocal = new AsyncLocal<object?>();

        Console.WriteLine("bytes per operation (no listener unless stated)");
        Report("raw ExecuteScalar", () => rawCommand.ExecuteScalar());
        Report("Castle proxy ExecuteScalar (Proceed only)", () => castle.ExecuteScalar());
        Report("traced connection, no listener", () => tracedCommand.ExecuteScalar());
        Report("AsyncLocal write (what Activity.Current = x costs)", () => asyncLocal.Value = asyncLocal.Value is null ? key : null);
        Report("raw CreateCommand + Dispose", () => raw.CreateCommand().Dispose());
        Report("traced CreateCommand + Dispose (command proxy)", () => traced.CreateCommand().Dispose());
        Report("Castle class proxy of DbCommand, created (floor)", () => PassThroughInterceptor.Generator.CreateClassProxyWithTarget(rawCommand, new PassThroughInterceptor()));

        var plainBuilder = new ContainerBuilder();
        plainBuilder.Register(_ => new SqliteConnection("Data Source=:memory:")).As<DbConnection>().ExternallyOwned();
        using var plainContainer = plainBuilder.Build();
        var tracedBuilder = new ContainerBuilder();
        tracedBuilder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:")).ExternallyOwned();
        using var tracedContainer = tracedBuilder.Build();
        Report("resolve, untraced registration (externally owned)", () => plainContainer.Resolve<DbConnection>());
        Report("resolve, traced registration (externally owned)", () => tracedContainer.Resolve<DbConnection>());

        using (MeasurementListener.Start())
        {
            Report("traced connection, meter listener only", () => tracedCommand.ExecuteScalar());
        }

        using var listener = SpanListener.Start(SqlTracing.ActivitySourceName, source.Name);
        Report("traced connection, listener sampling all", () => tracedCommand.ExecuteScalar());
        using (MeasurementListener.Start())
        {
            Report("traced connection, listener sampling all and meter listener", () => tracedCommand.ExecuteScalar());
        }

        Report("Activity create + start + stop, no tags", () => source.StartActivity("select", ActivityKind.Client)?.Stop());
        Report("Activity create + start + stop, 6 string tags", () =>
        {
            var activity = source.StartActivity("select", ActivityKind.Client)!;
            activity.SetTag("db.system.name", "sqlite");
            activity.SetTag("db.namespace", "main");
            activity.SetTag("db.query.text", UsersDatabase.PointSelect);
            activity.SetTag("db.operation.name", "SELECT");
            activity.SetTag("db.query.summary", "SELECT users");
            activity.SetTag("db.collection.name", "users");
            activity.Stop();
        });
        Report("one more SetTag on a started Activity", () =>
        {
            var activity = source.StartActivity("select", ActivityKind.Client)!;
            activity.SetTag("a", "b");
            activity.Stop();
        }, baseline: () => source.StartActivity("select", ActivityKind.Client)?.Stop());
    }

    private static void Report(string step, Action action, Action? baseline = null)
    {
        var bytes = Measure(action);
        if (baseline is not null)
        {
            bytes -= Measure(baseline);
        }

        Console.WriteLine($"{bytes,8:F0} B  {step}");
    }

    private static double Measure(Action action)
    {
        for (var i = 0; i < 1_000; i++)
        {
            action();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Runs; i++)
        {
            action();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Runs;
    }
}
