using System.Diagnostics.Tracing;

namespace AopSqlTracing;

/// <summary>
/// The library's own diagnostics (EventSource <c>AopSqlTracing</c>): a failure inside tracing is reported
/// here instead of reaching the application, which keeps running its command untraced.
/// </summary>
[EventSource(Name = "AopSqlTracing")]
internal sealed class SqlTracingEventSource : EventSource
{
    public static readonly SqlTracingEventSource Log = new();

    private SqlTracingEventSource()
    {
    }

    [NonEvent]
    public void TracingFailed(string step, Exception exception)
    {
        if (IsEnabled(EventLevel.Warning, EventKeywords.All))
        {
            TracingFailed(step, exception.ToString());
        }
    }

    [Event(1, Level = EventLevel.Warning, Message = "Tracing step '{0}' failed and was skipped; the database call was not affected: {1}")]
    public void TracingFailed(string step, string exception) => WriteEvent(1, step, exception);
}
