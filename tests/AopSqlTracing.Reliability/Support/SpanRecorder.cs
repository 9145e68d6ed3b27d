using System.Collections.Concurrent;
using System.Diagnostics;

namespace AopSqlTracing.Reliability.Support;

/// <summary>
/// Records the library's spans of one test: the test runs under its own root span, and only spans of that trace
/// are kept, so tests running in parallel never see each other's spans. Counts stops per span, so a span
/// finished twice shows.
/// </summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _started = new();
    private readonly ConcurrentDictionary<Activity, int> _stops = new();
    private readonly Activity? _previous;
    private readonly ActivityTraceId _traceId;

    public SpanRecorder()
    {
        _previous = Activity.Current;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is SqlTracing.ActivitySourceName or TestSpans.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity =>
            {
                if (IsOurs(activity))
                {
                    _started.Enqueue(activity);
                }
            },
            ActivityStopped = activity =>
            {
                if (IsOurs(activity))
                {
                    _stops.AddOrUpdate(activity, 1, (_, count) => count + 1);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);

        Activity.Current = null;
        Root = TestSpans.Source.StartActivity("test root") ?? throw new InvalidOperationException("The test source is not sampled.");
        _traceId = Root.TraceId;
    }

    /// <summary>Gets the test's root span; it is <see cref="Activity.Current"/> while the test runs.</summary>
    public Activity Root { get; }

    /// <summary>Gets the library's spans of this test that started, in start order, finished or not.</summary>
    public IReadOnlyList<Activity> Started => [.. _started.OrderBy(span => span.StartTimeUtc)];

    /// <summary>Gets the library's finished spans of this test, in start order.</summary>
    public IReadOnlyList<Activity> Spans => [.. _stops.Keys.OrderBy(span => span.StartTimeUtc)];

    /// <summary>Gets the spans that were reported stopped more than once.</summary>
    public IReadOnlyList<Activity> StoppedTwice => [.. _stops.Where(pair => pair.Value > 1).Select(pair => pair.Key)];

    /// <summary>Gets the started spans not finished yet.</summary>
    public IReadOnlyList<Activity> Unfinished => [.. _started.Where(span => !_stops.ContainsKey(span))];

    /// <summary>Starts a span under the root, to be given to the library as a parent; it is not made current.</summary>
    public Activity StartParent(string name = "parent") => TestSpans.StartDetached(name, Root.Context);

    public void Clear()
    {
        _started.Clear();
        _stops.Clear();
    }

    public void Dispose()
    {
        Root.Stop();
        _listener.Dispose();
        Activity.Current = _previous;
    }

    private bool IsOurs(Activity activity)
        => activity.Source.Name == SqlTracing.ActivitySourceName && activity.TraceId == _traceId && _traceId != default;
}
