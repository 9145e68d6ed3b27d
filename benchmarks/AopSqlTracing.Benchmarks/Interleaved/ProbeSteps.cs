using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// <c>interleaved --only steps</c>: what the framework calls on the library's per-command path cost alone, timed the
/// same interleaved way, to tell where a figure's nanoseconds go (docs/benchmarks.md, "Where the time goes"). Each
/// step is the framework's own call, never a copy of the library's code; the empty step is the timer's and the
/// delegate's share, to take off the others.
/// </summary>
internal static class ProbeSteps
{
    private static readonly Meter Meter = new("InterleavedSteps");
    private static readonly Histogram<double> Histogram = Meter.CreateHistogram<double>("steps.duration");
    private static readonly MethodInfo ExecuteScalar = typeof(DbCommand).GetMethod(nameof(DbCommand.ExecuteScalar))!;
    private static readonly Dictionary<string, object?> Metadata = new() { ["AopSqlTracing.Database"] = new object(), ["__RegistrationOrder"] = 1L };
    private static readonly List<object> Readers = [];
    private static readonly object Port = 5432;
    private static readonly ActivitySource Source = new(ProbeFixture.SpanFloorSource);
    private static readonly KeyValuePair<string, object?>[] SixTags =
    [
        new("db.system.name", "sqlite"), new("db.namespace", "main"), new("db.query.text", UsersDatabase.PointSelect),
        new("db.operation.name", "SELECT"), new("db.query.summary", "SELECT users"), new("db.collection.name", "users"),
    ];

    private static readonly KeyValuePair<string, object?>[] Pairs = new KeyValuePair<string, object?>[10];

    private static MeterListener? _listener;
    private static double _sink;
    private static long _long;
    private static object? _object;

    public static List<ProbeVariant> Create()
    {
        // Histogram.Record dispatches only while someone listens; this listener counts, as MeasurementListener does.
        _listener ??= new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == Meter)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) => _sink += value);
        _listener.Start();
        return
        [
            Step("empty", "empty step (timer and delegate call)", () => null),
            Step("clock", "Stopwatch.GetTimestamp()", () => Long(Stopwatch.GetTimestamp())),
            Step("utc-now", "DateTime.UtcNow (Activity reads it at start and at stop)", () => Long(DateTime.UtcNow.Ticks)),
            Step("current", "Activity.Current read (an AsyncLocal read)", () => Object(Activity.Current)),
            Step("taglist", "TagList with a SQLite measurement's 5 tags built", () => Long(MeasurementTags().Count)),
            Step("record", "the same TagList + Histogram.Record to a counting MeterListener", () =>
            {
                Histogram.Record(1e-6, MeasurementTags());
                return null;
            }),
            Step("is-interface", "MethodInfo.DeclaringType.IsInterface", () => Long(ExecuteScalar.DeclaringType is { IsInterface: true } ? 1 : 0)),
            Step("method-name", "MethodInfo.Name", () => Object(ExecuteScalar.Name)),
            Step("metadata", "Dictionary<string, object?>.TryGetValue of a 22-char key", () => Object(Metadata.TryGetValue("AopSqlTracing.Database", out var found) ? found : null)),
            Step("suppress-finalize", "GC.SuppressFinalize", () =>
            {
                GC.SuppressFinalize(Readers);
                return null;
            }),
            Step("new-finalizable", "new Component() (finalizable, as a DbConnection proxy is) + GC.SuppressFinalize", () =>
            {
                var component = new System.ComponentModel.Component();
                GC.SuppressFinalize(component);
                return component;
            }),
            Step("new-plain", "new object of the same size, not finalizable", () => new System.Runtime.CompilerServices.StrongBox<(object?, object?, object?)>()),
            Step("lock-list", "lock + List.Add, lock + List.Remove (a reader opened and closed)", () =>
            {
                lock (Readers)
                {
                    Readers.Add(Port);
                }

                lock (Readers)
                {
                    return Long(Readers.Remove(Port) ? 1 : 0);
                }
            }),
            Step("array-clear", "Array.Clear of 10 tag pairs", () =>
            {
                Array.Clear(Pairs);
                return null;
            }),
            Step("span-no-tags", "Activity started and stopped, no tags", () =>
            {
                var activity = Source.StartActivity("select", ActivityKind.Client);
                activity?.Stop();
                return activity;
            }, ListenerWorld.Spans),
            Step("span-settag", "Activity started, 6 tags by SetTag, stopped", () =>
            {
                var activity = Source.StartActivity("select", ActivityKind.Client);
                foreach (var tag in SixTags)
                {
                    activity?.SetTag(tag.Key, tag.Value);
                }

                activity?.Stop();
                return activity;
            }, ListenerWorld.Spans),
            Step("span-creation-tags", "Activity created with 6 tags (IEnumerable), started, stopped", () =>
            {
                var activity = Source.StartActivity(ActivityKind.Client, default, SixTags, name: "select");
                activity?.Stop();
                return activity;
            }, ListenerWorld.Spans),
        ];
    }

    private static TagList MeasurementTags() => new()
    {
        { "db.system.name", "sqlite" }, { "db.namespace", "main" }, { "db.operation.name", "SELECT" },
        { "db.collection.name", "users" }, { "db.query.summary", "SELECT users" },
    };

    // The steps hand their result to a static field rather than return it boxed (boxing would be timed too).
    private static object? Long(long value)
    {
        _long = value;
        return null;
    }

    private static object? Object(object? value)
    {
        _object = value;
        return null;
    }

    private static ProbeVariant Step(string key, string name, Func<object?> run, ListenerWorld world = ListenerWorld.Any)
        => new("step-" + key, name, world, 64, run);
}
