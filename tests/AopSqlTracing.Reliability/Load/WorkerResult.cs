using System.Diagnostics;

namespace AopSqlTracing.Reliability.Load;

/// <summary>What one load worker ran: its commands' outcomes in order, and how many commands ran under each parent.</summary>
public sealed class WorkerResult(int worker)
{
    public int Worker { get; } = worker;

    public int Commands { get; set; }

    public List<string> Outcomes { get; } = [];

    public Dictionary<ActivitySpanId, int> ExpectedChildren { get; } = [];
}
