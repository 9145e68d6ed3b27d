using System.Diagnostics;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// The span floor: an Activity created, tagged like ours and started the way the library does (Activity.Current
/// saved and put back), and stopped the same way. Nothing decided, nothing classified.
/// </summary>
internal static class BareSpan
{
    private static readonly ActivitySource Source = new(ListenerSwitch.SpanFloorSource);

    /// <summary>Gets or sets the span started and not yet ended, for a step whose start and end are timed apart.</summary>
    public static Activity? Last { get; set; }

    /// <summary>Creates an Activity without starting it (what sampling and creation cost).</summary>
    public static Activity? CreateOnly() => Source.CreateActivity("select", ActivityKind.Client, default(ActivityContext));

    public static Activity? Start((string Database, string? Address)? tags)
    {
        var previous = Activity.Current;
        var activity = Source.CreateActivity("select", ActivityKind.Client, default(ActivityContext));
        if (activity is null)
        {
            return null;
        }

        if (tags is { } t && activity.IsAllDataRequested)
        {
            activity.SetTag("db.system.name", t.Address is null ? "sqlite" : "postgresql");
            activity.SetTag("db.namespace", t.Database);
            if (t.Address is not null)
            {
                activity.SetTag("server.address", t.Address);
                activity.SetTag("server.port", 5432);
            }

            activity.SetTag("db.query.text", UsersDatabase.PointSelect);
            activity.SetTag("db.operation.name", "SELECT");
            activity.SetTag("db.query.summary", "SELECT users");
            activity.SetTag("db.collection.name", "users");
        }

        activity.Start();
        Activity.Current = previous;
        return activity;
    }

    public static void End(Activity? activity)
    {
        if (activity is null)
        {
            return;
        }

        var current = Activity.Current;
        activity.Stop();
        if (Activity.Current != current)
        {
            Activity.Current = current;
        }
    }
}
