using System.Diagnostics;

namespace AopSqlTracing.Reliability.Support;

/// <summary>The ActivitySource of this project's own spans: test roots and the parents given to the library.</summary>
public static class TestSpans
{
    public const string SourceName = "AopSqlTracing.Reliability";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts a span under <paramref name="parent"/> without making it <see cref="Activity.Current"/>.</summary>
    public static Activity StartDetached(string name, ActivityContext parent)
    {
        var current = Activity.Current;
        var span = Source.StartActivity(name, ActivityKind.Internal, parent)
            ?? throw new InvalidOperationException($"{SourceName} is not sampled: a recorder must be listening.");
        Activity.Current = current;
        return span;
    }
}
