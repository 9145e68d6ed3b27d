namespace AopSqlTracing.Execution;

/// <summary>One registration's options and on/off switch, shared by every connection it hands out.</summary>
internal sealed class TracedDatabase(SqlTracingOptions options) : ITracedDatabase
{
    // Read on every command from many threads; a torn read is impossible for bool, volatile keeps it fresh.
    private volatile bool _enabled = true;

    public SqlTracingOptions Options { get; } = options;

    public bool IsTracingEnabled => _enabled;

    public void StopTracing() => _enabled = false;

    public void StartTracing() => _enabled = true;
}
