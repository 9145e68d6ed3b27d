using System.Diagnostics;
using System.Globalization;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// `--loop d [--seconds 20] [--sqlite]`: one variant of the interleaved comparison (by its letter) in a loop, alone,
/// for a profiler to attach to (<c>perf record</c> with <c>DOTNET_PerfMapEnabled=1</c>, <c>dotnet-trace</c>).
/// </summary>
public static class VariantLoop
{
    private static object? _sink;

    public static void Run(string[] args)
    {
        var letter = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "d";
        var arguments = new ModeArguments(args);
        var seconds = arguments.Int("--seconds", 20);
        using var fixture = InterleavedFixture.Create(ModeArguments.RequirePostgres());
        var variants = arguments.Flag("--sqlite")
            ? InterleavedComparison.SqliteVariants(fixture.Sqlite, "SQLite")
            : InterleavedComparison.PostgresVariants(fixture.Postgres);
        var variant = variants.FirstOrDefault(v => v.Name.StartsWith($"({letter})", StringComparison.Ordinal))
            ?? throw new ArgumentException($"no variant ({letter}); there are: {string.Join(", ", variants.Select(v => v.Name))}");

        using var listeners = new ListenerSwitch();
        listeners.Enter(variant.World);
        Console.WriteLine($"pid {Environment.ProcessId}: {variant.Group} {variant.Name} in a loop for {seconds} s");
        var gen0 = GC.CollectionCount(0);
        var paused = GC.GetTotalPauseDuration();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        long runs = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            variant.Prepare();
            _sink = variant.Execute();
            runs++;
        }

        var elapsed = clock.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{runs:N0} runs, {elapsed.TotalMicroseconds / runs:F2} µs each; {(GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)runs:F0} B allocated per run; " +
            $"{GC.CollectionCount(0) - gen0} gen0 GCs, {(GC.GetTotalPauseDuration() - paused).TotalMicroseconds / runs:F3} µs of GC pause per run"));
    }
}
