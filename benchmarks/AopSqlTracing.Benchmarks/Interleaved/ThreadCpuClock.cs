using System.Runtime.InteropServices;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// The calling thread's CPU time in nanoseconds (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>, the
/// scheduler's own nanosecond count). Unlike wall time it does not run while the thread waits for the database's
/// answer or is pre-empted by another process, so a loopback round trip's wait, and the other load on a shared
/// machine, drop out; what stays is the client thread's own work (ours, the provider's, the kernel's for its
/// socket calls). NaN where the clock is not available.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ThreadCpuTimeClock = 3;

    public static bool IsAvailable { get; } = OperatingSystem.IsLinux() && Read() > 0;

    public static double Now() => IsAvailable ? Read() : double.NaN;

    private static long Read()
    {
        try
        {
            return ClockGetTime(ThreadCpuTimeClock, out var time) == 0 ? (time.Seconds * 1_000_000_000) + time.Nanoseconds : -1;
        }
        catch (DllNotFoundException)
        {
            return -1;
        }
        catch (EntryPointNotFoundException)
        {
            return -1;
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
