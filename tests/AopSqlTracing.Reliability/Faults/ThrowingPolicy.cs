namespace AopSqlTracing.Reliability.Faults;

/// <summary>A parent-span policy that fails on every execution.</summary>
public sealed class ThrowingPolicy : IParentSpanPolicy
{
    private int _calls;

    public int Calls => _calls;

    public ParentSpanDecision Decide(in SqlExecution execution)
    {
        Interlocked.Increment(ref _calls);
        throw new InvalidOperationException("policy fails");
    }
}
