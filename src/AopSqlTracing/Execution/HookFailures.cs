namespace AopSqlTracing.Execution;

/// <summary>
/// The user hooks of one options object that have failed: each hook's first failure is reported on the
/// EventSource, later ones are not, so a hook that throws on every command cannot flood the diagnostics.
/// </summary>
internal sealed class HookFailures
{
    private int _reported;

    public void Report(UserHook hook, Exception exception)
    {
        var bit = 1 << (int)hook;
        if ((Interlocked.Or(ref _reported, bit) & bit) == 0)
        {
            SqlTracingEventSource.Log.TracingFailed($"user hook {hook}", exception);
        }
    }
}

/// <summary>The user callbacks of <see cref="SqlTracingOptions"/>.</summary>
internal enum UserHook
{
    Filter,
    Enrich,
    EnrichWithException,
}
