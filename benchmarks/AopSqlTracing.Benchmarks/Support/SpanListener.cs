using System.Diagnostics;

namespace AopSqlTracing.Benchmarks;

/// <summary>An ActivityListener that samples everything from the given sources, as an exporter would.</summary>
public static class SpanListener
{
    public static ActivityListener Start(params string[] sources)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => Array.IndexOf(sources, source.Name) >= 0,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
