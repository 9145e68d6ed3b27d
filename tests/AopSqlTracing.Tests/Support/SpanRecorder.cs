using System.Collections.Concurrent;
using System.Diagnostics;

namespace AopSqlTracing.Tests.Support;

/// <summary>
/// The mock tracer: records the SQL spans of one test. The test runs under its own root Activity, and only spans of
/// that trace are kept, so tests running in parallel (each with its own listener) never see each other's spans.
/// </summary>
public sealed class SpanRecorder : IDisposable
{
    private const string TestSourceName = "AopSqlTracing.Tests";

    // Listeners match sources by name: comparing with this field from inside ShouldListenTo would race its initialisation.
    public static readonly ActivitySource TestSource = new(TestSourceName);

    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _started = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly Func<Activity, bool> _belongs;
    private readonly Activity? _previous;

    public SpanRecorder(Func<Activity, bool>? belongs = null)
    {
        _previous = Activity.Current;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is SqlTracing.ActivitySourceName or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity => Keep(_started, activity),
            ActivityStopped = activity => Keep(_stopped, activity),
        };
        ActivitySource.AddActivityListener(_listener);

        Activity.Current = null;
        Root = TestSource.StartActivity("test root") ?? throw new InvalidOperationException("The test source is not sampled.");
        _belongs = belongs ?? (activity => activity.TraceId == Root.TraceId);
    }

    /// <summary>Gets the test's root span; it is <see cref="Activity.Current"/> while the test runs.</summary>
    public Activity Root { get; }

    /// <summary>Gets the finished SQL (client) spans of this test, in the order they started.</summary>
    public IReadOnlyList<Activity> Spans => [.. _stopped.Where(IsClient).OrderBy(activity => activity.StartTimeUtc)];

    /// <summary>Gets the finished repository-call (internal) spans of this test, in the order they started.</summary>
    public IReadOnlyList<Activity> CallSpans => [.. _stopped.Where(activity => !IsClient(activity)).OrderBy(activity => activity.StartTimeUtc)];

    /// <summary>Gets all spans of the library in this test that started, finished or not.</summary>
    public IReadOnlyList<Activity> StartedSpans => [.. _started.OrderBy(activity => activity.StartTimeUtc)];

    /// <summary>Starts a span to be used as an explicit parent, without making it <see cref="Activity.Current"/>.</summary>
    public Activity StartParent(string name = "parent span")
    {
        var current = Activity.Current;
        var parent = TestSource.StartActivity(name, ActivityKind.Internal, Root.Context)
            ?? throw new InvalidOperationException("The test source is not sampled.");
        Activity.Current = current;
        return parent;
    }

    /// <summary>Forgets what was recorded so far (the seed's <c>tracer.clear()</c>).</summary>
    public void Clear()
    {
        _started.Clear();
        _stopped.Clear();
    }

    public void Dispose()
    {
        Root.Stop();
        _listener.Dispose();
        Activity.Current = _previous;
    }

    private static bool IsClient(Activity activity) => activity.Kind == ActivityKind.Client;

    private static bool IsSql(Activity activity) => activity.Source.Name == SqlTracing.ActivitySourceName;

    private void Keep(ConcurrentQueue<Activity> spans, Activity activity)
    {
        // Root is not assigned yet while the root itself starts.
        if (Root is not null && IsSql(activity) && _belongs(activity))
        {
            spans.Enqueue(activity);
        }
    }
}
