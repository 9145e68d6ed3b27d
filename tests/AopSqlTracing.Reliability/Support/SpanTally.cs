using System.Collections.Concurrent;
using System.Diagnostics;

namespace AopSqlTracing.Reliability.Support;

/// <summary>
/// Counts the library's spans of one trace without keeping them: how many started, how many stops each got, and
/// how many finished under each parent. For runs too big to keep every <see cref="Activity"/>.
/// </summary>
public sealed class SpanTally : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentDictionary<ActivitySpanId, int> _stops = new();
    private readonly ConcurrentDictionary<ActivitySpanId, int> _childrenByParent = new();
    private readonly ActivityTraceId _traceId;
    private long _started;

    public SpanTally()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is SqlTracing.ActivitySourceName or TestSpans.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity =>
            {
                if (IsOurs(activity))
                {
                    Interlocked.Increment(ref _started);
                }
            },
            ActivityStopped = activity =>
            {
                if (IsOurs(activity))
                {
                    _stops.AddOrUpdate(activity.SpanId, 1, (_, count) => count + 1);
                    _childrenByParent.AddOrUpdate(activity.ParentSpanId, 1, (_, count) => count + 1);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);

        var previous = Activity.Current;
        Activity.Current = null;
        Root = TestSpans.Source.StartActivity("load root") ?? throw new InvalidOperationException("The test source is not sampled.");
        Activity.Current = previous;
        _traceId = Root.TraceId;
    }

    /// <summary>Gets the root of the trace counted; it is not made current.</summary>
    public Activity Root { get; }

    public long Started => Interlocked.Read(ref _started);

    /// <summary>Gets the number of distinct spans that finished.</summary>
    public int Finished => _stops.Count;

    /// <summary>Gets the number of spans reported finished more than once.</summary>
    public int FinishedTwice => _stops.Values.Count(count => count > 1);

    /// <summary>Gets how many spans finished under each parent.</summary>
    public IReadOnlyDictionary<ActivitySpanId, int> ChildrenByParent => _childrenByParent;

    public void Dispose()
    {
        Root.Stop();
        _listener.Dispose();
    }

    private bool IsOurs(Activity activity) => activity.Source.Name == SqlTracing.ActivitySourceName && activity.TraceId == _traceId;
}
