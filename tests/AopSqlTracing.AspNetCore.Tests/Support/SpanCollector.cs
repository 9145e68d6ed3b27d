using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace AopSqlTracing.AspNetCore.Tests.Support;

/// <summary>
/// An OpenTelemetry processor added to the app's own tracer provider: it keeps every span the provider records,
/// started and ended. Listeners are global and tests run in parallel, so callers look at one trace at a time
/// (each request a test sends carries its own trace id).
/// </summary>
public sealed class SpanCollector : BaseProcessor<Activity>
{
    private readonly ConcurrentQueue<Activity> _started = new();
    private readonly ConcurrentQueue<Activity> _ended = new();

    public override void OnStart(Activity data) => _started.Enqueue(data);

    public override void OnEnd(Activity data) => _ended.Enqueue(data);

    /// <summary>Gets the spans of <paramref name="traceId"/> that started, ended or not.</summary>
    public IReadOnlyList<Activity> Started(ActivityTraceId traceId) => [.. _started.Where(span => span.TraceId == traceId)];

    /// <summary>Gets the ended spans of <paramref name="traceId"/>, in the order they started.</summary>
    public IReadOnlyList<Activity> Ended(ActivityTraceId traceId) => Ended(span => span.TraceId == traceId);

    /// <summary>Gets the ended spans <paramref name="belongs"/> selects, whatever their trace, in the order they started.</summary>
    public IReadOnlyList<Activity> Ended(Func<Activity, bool> belongs)
        => [.. _ended.Where(belongs).Distinct().OrderBy(span => span.StartTimeUtc)];

    /// <summary>
    /// Waits until the trace is complete: its server span has ended, and so has every span started in it.
    /// The hosting span ends after the client has the response, so a test cannot look right away.
    /// </summary>
    /// <returns>The trace's ended spans; when the wait times out, what ended so far (the test's assertions say what is missing).</returns>
    public async Task<IReadOnlyList<Activity>> CompleteTraceAsync(ActivityTraceId traceId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var ended = Ended(traceId);
            var complete = ended.Any(span => span.Kind == ActivityKind.Server)
                && Started(traceId).All(span => ended.Contains(span));
            if (complete || DateTime.UtcNow > deadline)
            {
                return ended;
            }

            await Task.Delay(10);
        }
    }
}
