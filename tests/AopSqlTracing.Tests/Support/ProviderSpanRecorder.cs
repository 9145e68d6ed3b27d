using System.Collections.Concurrent;
using System.Diagnostics;

namespace AopSqlTracing.Tests.Support;

/// <summary>
/// Records the spans a provider starts itself, from its own <see cref="ActivitySource"/> (MySqlConnector's
/// <c>"MySqlConnector"</c>, Npgsql's <c>"Npgsql"</c>), as an application that listens to both the provider and
/// AopSqlTracing does. Keeps only
/// the command executions of one trace, so tests running in parallel never see each other's.
/// </summary>
public sealed class ProviderSpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    /// <param name="sourceName">The provider's <see cref="ActivitySource"/>.</param>
    /// <param name="traceId">The test's trace.</param>
    /// <param name="isCommand">Which of its spans are command executions; by default MySqlConnector's (<c>Execute</c>).</param>
    public ProviderSpanRecorder(string sourceName, ActivityTraceId traceId, Func<Activity, bool>? isCommand = null)
    {
        isCommand ??= activity => activity.OperationName == "Execute";
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId && isCommand(activity))
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Gets the provider's finished command spans, in the order they started.</summary>
    public IReadOnlyList<Activity> Spans => [.. _stopped.OrderBy(activity => activity.StartTimeUtc)];

    /// <summary>Gets the text each command span says was sent (the stable or the older attribute, whichever the provider uses).</summary>
    public IReadOnlyList<string?> Texts => [.. Spans.Select(span => (span.GetTagItem("db.query.text") ?? span.GetTagItem("db.statement")) as string)];

    public void Clear() => _stopped.Clear();

    public void Dispose() => _listener.Dispose();
}
