using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// <c>interleaved [--rounds N] [--pg-rounds N] [--seed S] [--only sqlite|postgres|steps] [--processes N]</c>: issue 25's six figures,
/// measured so that other load on a shared machine cannot fake them. Every round runs every variant of a phase (SQLite, then PostgreSQL) as a
/// short batch, in a new random order; each batch follows one untimed run of the same variant (after a listener
/// switch) and is timed as a whole on the wall clock and on the thread's CPU clock. Per variant and figure: the
/// minimum and the 10th percentile over the rounds (load only ever adds time, so these move least), and the median of
/// the figure worked out round by round (paired: drift that hits a whole round cancels), with its 95 % interval.
/// <c>interleaved --loop KEY [--seconds N]</c> runs one variant alone, for a profiler to attach to.
/// </summary>
public static class InterleavedProbe
{
    private static readonly (string Name, string Target, Func<Func<string, double>, double> Of)[] Figures =
    [
        ("(1) traced, beyond span floor + Castle floor (ns)", "≤ 40", v => v("traced") - v("castle") - (v("span-floor") - v("raw"))),
        ("(2) untraced, beyond Castle floor (ns)", "≤ 20", v => v("untraced") - v("castle")),
        ("(3) resolve traced, beyond plain registration (ns)", "≤ 100", v => v("resolve-traced") - v("resolve-plain")),
        ("(4) measured, not traced, beyond Castle floor (ns)", "≤ 60", v => v("measured") - v("castle")),
        ("(5) reader, 1,000 rows: traced / raw (×)", "≤ 1.01", v => v("reader-traced") / v("reader-raw")),
        ("(6a) PostgreSQL, ours: traced − untraced proxy (ns)", "", v => v("pg-traced") - v("pg-untraced")),
        ("(6b) PostgreSQL, Npgsql's own: listened − raw (ns)", "", v => v("pg-npgsql") - v("pg-raw")),
        ("(6) PostgreSQL: (6a) − (6b) (ns)", "≤ 0", v => v("pg-traced") - v("pg-untraced") - (v("pg-npgsql") - v("pg-raw"))),
    ];

    private static ListenerWorld _world = ListenerWorld.None;
    private static IDisposable? _listener;
    private static long _spans;
    private static object? _sink;

    public static void Run(string[] args)
    {
        if (Option(args, "--processes", 1) is > 1 and var processes)
        {
            ProcessMedian.Run(args, processes);
            return;
        }

        var rounds = Option(args, "--rounds", 2_000);

        // A PostgreSQL round costs ~0.2 ms and its differences are ~1 % of a round trip: it gets more rounds.
        var postgresRounds = Option(args, "--pg-rounds", 5 * rounds);
        var seed = Option(args, "--seed", Environment.TickCount & int.MaxValue);
        var only = Array.IndexOf(args, "--only") is >= 0 and var at && at + 1 < args.Length ? args[at + 1] : null;
        using var fixture = ProbeFixture.Create(only is "sqlite" or "steps" ? null : PostgresBenchmarks.ConnectionString);
        var all = fixture.Sqlite.Concat(fixture.Postgres).ToList();
        if (Array.IndexOf(args, "--loop") is >= 0 and var loop)
        {
            Loop(all.Single(v => v.Key == args[loop + 1]), Option(args, "--seconds", 20));
            return;
        }

        var phases = (only switch { "sqlite" => [fixture.Sqlite], "postgres" => [fixture.Postgres], "steps" => [ProbeSteps.Create()], _ => new[] { fixture.Sqlite, fixture.Postgres } })
            .Where(phase => phase.Count > 0).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"interleaved probe {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, " +
            $"{RuntimeInformation.FrameworkDescription}; PostgreSQL {fixture.PostgresVersion ?? $"skipped (set {PostgresBenchmarks.Variable})"}; " +
            $"{rounds} rounds (PostgreSQL {postgresRounds}), seed {seed}; thread CPU clock {(ThreadCpuClock.IsAvailable ? "on" : "not available")}; load {LoadAverage()}"));

        var random = new Random(seed);
        foreach (var phase in phases)
        {
            // Past the JIT's tiers first (tier 0, instrumented, optimised), then the measured rounds.
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed < TimeSpan.FromSeconds(3))
            {
                Round(phase, random, record: false);
            }

            for (var round = 0; round < (phase == fixture.Postgres ? postgresRounds : rounds); round++)
            {
                Round(phase, random, record: true);
            }
        }

        Enter(ListenerWorld.None);
        PrintVariants(phases.SelectMany(p => p).ToList());
        PrintFigures(all.ToDictionary(v => v.Key));
        Console.WriteLine($"load after: {LoadAverage()}; GCs gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
    }

    private static void Round(List<ProbeVariant> variants, Random random, bool record)
    {
        random.Shuffle(CollectionsMarshal.AsSpan(variants));
        foreach (var variant in variants)
        {
            Enter(variant.World);
            _sink = variant.Run();
            var (spans, measurements) = (_spans, MeasurementListener.Count);
            var cpu = ThreadCpuClock.Now();
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < variant.Batch; i++)
            {
                _sink = variant.Run();
            }

            var wall = (Stopwatch.GetTimestamp() - start) * (1e9 / Stopwatch.Frequency);
            cpu = ThreadCpuClock.Now() - cpu;
            if (record)
            {
                variant.Wall.Add(wall / variant.Batch);
                variant.Cpu.Add(cpu / variant.Batch);
                var seen = variant.Seen;
                variant.Seen = (seen.Spans + _spans - spans, seen.Measurements + MeasurementListener.Count - measurements, seen.Runs + variant.Batch);
            }
        }
    }

    // Attaches the one listener a variant's world has, between timed batches.
    private static void Enter(ListenerWorld world)
    {
        if (world == ListenerWorld.Any || world == _world)
        {
            return;
        }

        _listener?.Dispose();
        _listener = world switch
        {
            ListenerWorld.Spans => Spans(SqlTracing.ActivitySourceName, ProbeFixture.SpanFloorSource),
            ListenerWorld.Npgsql => Spans("Npgsql"),
            ListenerWorld.Measurements => MeasurementListener.Start(),
            _ => null,
        };
        _world = world;
    }

    // Samples everything on the given sources and counts the spans it sees end, as an exporter would take them.
    private static ActivityListener Spans(params string[] sources)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => Array.IndexOf(sources, source.Name) >= 0,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ => _spans++,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static void PrintVariants(List<ProbeVariant> variants)
    {
        Console.WriteLine();
        Console.WriteLine("| variant | batch | spans/run | measurements/run | wall min | wall p10 | wall median | CPU p10 | CPU median |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var v in variants)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {v.Key}: {v.Name} | {v.Batch} | {v.Seen.Spans / (double)v.Seen.Runs:F2} | {v.Seen.Measurements / (double)v.Seen.Runs:F2} " +
                $"| {Quantile(v.Wall, 0):F0} | {Quantile(v.Wall, 0.1):F0} | {Quantile(v.Wall, 0.5):F0} | {Quantile(v.Cpu, 0.1):F0} | {Quantile(v.Cpu, 0.5):F0} |"));
        }

        Console.WriteLine("ns per run; every figure below is worked out from these rows.");
    }

    private static void PrintFigures(Dictionary<string, ProbeVariant> variants)
    {
        var measured = Figures.Where(f => Uses(f.Of) is var keys && keys.All(variants.ContainsKey) && variants[keys[0]].Wall.Count > 0).ToList();
        if (measured.Count == 0)
        {
            return;
        }

        // No CPU minimum: this VM's thread clock leaves out time the hypervisor took, so its lowest batches read too low.
        Console.WriteLine();
        Console.WriteLine("| figure | target | wall min | wall p10 | wall paired median [95 %] | CPU p10 | CPU paired median [95 %] |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|");
        foreach (var (name, target, of) in measured)
        {
            string Cells(Func<ProbeVariant, List<double>> clock, bool withMinimum)
            {
                var paired = Enumerable.Range(0, variants[Uses(of)[0]].Wall.Count).Select(r => of(key => clock(variants[key])[r])).Order().ToList();
                var half = 0.98 * Math.Sqrt(paired.Count);
                return string.Create(CultureInfo.InvariantCulture,
                    $"{(withMinimum ? Format(of(k => Quantile(clock(variants[k]), 0))) + " | " : "")}{Format(of(k => Quantile(clock(variants[k]), 0.1)))} | " +
                    $"{Format(Quantile(paired, 0.5))} [{Format(paired[(int)Math.Max(0, (paired.Count / 2.0) - half)])}, " +
                    $"{Format(paired[(int)Math.Min(paired.Count - 1, (paired.Count / 2.0) + half)])}]");
            }

            Console.WriteLine($"| {name} | {target} | {Cells(v => v.Wall, withMinimum: true)} | {Cells(v => v.Cpu, withMinimum: false)} |");
        }
    }

    // Which variants a figure reads (it is asked once with a recorder).
    private static List<string> Uses(Func<Func<string, double>, double> of)
    {
        var keys = new List<string>();
        of(key =>
        {
            keys.Add(key);
            return 1;
        });
        return keys;
    }

    private static string Format(double value) => Math.Abs(value) < 10 ? value.ToString("F3", CultureInfo.InvariantCulture) : value.ToString("F0", CultureInfo.InvariantCulture);

    private static double Quantile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[(int)Math.Round(q * (sorted.Count - 1))];
    }

    private static void Loop(ProbeVariant variant, int seconds)
    {
        Enter(variant.World);
        Console.WriteLine($"pid {Environment.ProcessId}: {variant.Key} ({variant.Name}) alone for {seconds} s");
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        long runs = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            _sink = variant.Run();
            runs++;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{runs:N0} runs, {clock.Elapsed.TotalNanoseconds / runs:F0} ns each, {(GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)runs:F0} B each"));
        Enter(ListenerWorld.None);
    }

    private static int Option(string[] args, string name, int fallback)
        => Array.IndexOf(args, name) is >= 0 and var at && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
