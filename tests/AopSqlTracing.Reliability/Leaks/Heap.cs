namespace AopSqlTracing.Reliability.Leaks;

/// <summary>The managed heap after a full, settled collection: what is still reachable, nothing more.</summary>
public static class Heap
{
    public const long Megabyte = 1024 * 1024;

    public static long Settled()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    public static string Mb(long bytes) => $"{bytes / (double)Megabyte:+0.00;-0.00;0.00} MB";
}
