using System.Diagnostics;

namespace AopSqlTracing.Reliability.Support;

/// <summary>
/// Counts the library's spans of one trace and keeps nothing else, so it can listen through a memory measurement
/// without adding to what is measured.
/// </summary>
public sealed class SpanCounter : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly Activity? _previous;
    private readonly ActivityTraceId _traceId;
    private long _started;
    private long _stopped;

    public SpanCounter()
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
                    Interlocked.Increment(ref _started);
                }
            },
            ActivityStopped = activity =>
            {
                if (IsOurs(activity))
                {
                    Interlocked.Increment(ref _stopped);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        Activity.Current = null;
        Root = TestSpans.Source.StartActivity("counter root") ?? throw new InvalidOperationException("The test source is not sampled.");
        _traceId = Root.TraceId;
    }

    /// <summary>Gets the root of the trace counted; it is <see cref="Activity.Current"/> until disposed.</summary>
    public Activity Root { get; }

    public long Started => Interlocked.Read(ref _started);

    public long Stopped => Interlocked.Read(ref _stopped);

    public void Dispose()
    {
        Root.Stop();
        _listener.Dispose();
        Activity.Current = _previous;
    }

    private bool IsOurs(Activity activity) => activity.Source.Name == SqlTracing.ActivitySourceName && activity.TraceId == _traceId;
}
