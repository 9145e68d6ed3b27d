using System.Diagnostics;
using System.Globalization;
using AopSqlTracing;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// Part of `--pg-steps`: one execution cut in three timed segments (what runs before the provider's call, the call,
/// what runs after it), each execution right after an untimed PostgreSQL round trip. It tells our own time from
/// what our work does to the provider's call that follows it, with controls that each do one thing before the call:
/// wait, evict cached data, run unrelated code, write an AsyncLocal, make an Activity.
/// </summary>
internal static class SegmentTimings
{
    private static readonly int[] SweepData = new int[256 * 1024];
    private static readonly AsyncLocal<object?> PlainAsyncLocal = new();
    private static readonly object Marker = new();

    private static object? _sink;
    private static int _intSink;
    private static Activity? _madeCurrent;

    // One traced execution cut in three timed segments (begin, the provider's call, end), in place, after a round
    // trip like every timed execution: tells our own time from what our begin does to the provider's call after it.
    public static void Run(InterleavedFixture fixture, int rounds, Random random)
    {
        var variants = new List<(string Name, Action? Begin, PreparedSelect Select, Action? End)>();
        foreach (var (engine, tags, label) in new[]
        {
            (fixture.Postgres, (fixture.Postgres.Provider.Database, (string?)"127.0.0.1"), "Npgsql"),
            (fixture.Sqlite, (fixture.Sqlite.Provider.Database, (string?)null), "SQLite"),
        })
        {
            var options = LibraryProbes.OptionsOf(engine.TracedConnection) ?? new SqlTracingOptions();
            var ours = LibraryProbes.BeginAndEnd(engine.TracedConnection, options);
            var command = engine.RawForSpanFloor.Command;
            variants.Add(($"{label}: raw", null, engine.Raw, null));
            variants.Add(($"{label}: bare Activity + our tags around it", () => BareSpan.Last = BareSpan.Start(tags), engine.RawForSpanFloor, () => BareSpan.End(BareSpan.Last)));
            if (ours is not null)
            {
                variants.Add(($"{label}: our begin/end around it (no Castle)", () => ours.Begin(command), engine.RawForSpanFloor, ours.End));
            }

            // Controls: as long a pause as our begin touching no memory, and a data sweep that evicts the caches.
            variants.Add(($"{label}: busy-wait 2 µs before it (touches nothing)", () => SpinFor(2.0), engine.Raw, null));
            variants.Add(($"{label}: read 1 MB before it (evicts cached data)", () => _intSink = Sweep(), engine.Raw, null));
            variants.Add(($"{label}: unrelated framework code before it (Uri, parsing, formatting)", () => _sink = CodeSweep(), engine.Raw, null));
            variants.Add(($"{label}: Activity.Current set and put back before it", SetAndRestoreCurrent, engine.Raw, null));
            variants.Add(($"{label}: an AsyncLocal<object> set and put back before it", SetAndRestoreAsyncLocal, engine.Raw, null));
            variants.Add(($"{label}: an Activity created (not started) before it", () => _sink = BareSpan.CreateOnly(), engine.Raw, null));
        }

        var samples = variants.ToDictionary(v => v.Name, _ => (Begin: new LatencySamples(), Call: new LatencySamples(), End: new LatencySamples(), All: new LatencySamples()));
        var order = Enumerable.Range(0, variants.Count).SelectMany(i => Enumerable.Repeat(i, 4)).ToList();
        var separator = fixture.Postgres.Separator;
        const int warmup = 50;
        for (var round = 0; round < warmup + rounds; round++)
        {
            for (var i = order.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            foreach (var index in order)
            {
                var (name, begin, select, end) = variants[index];
                select.NextKey();
                separator.NextKey();
                _sink = separator.Command.ExecuteScalar();
                var t0 = Stopwatch.GetTimestamp();
                begin?.Invoke();
                var t1 = Stopwatch.GetTimestamp();
                _sink = select.Command.ExecuteScalar();
                var t2 = Stopwatch.GetTimestamp();
                end?.Invoke();
                var t3 = Stopwatch.GetTimestamp();
                if (round >= warmup)
                {
                    var s = samples[name];
                    s.Begin.Add(round, t1 - t0);
                    s.Call.Add(round, t2 - t1);
                    s.End.Add(round, t3 - t2);
                    s.All.Add(round, t3 - t0);
                }
            }
        }

        Console.WriteLine("One execution in three timed segments, each execution right after an untimed PostgreSQL round trip (µs, medians; the timer's own cost is in every segment):");
        Console.WriteLine();
        Console.WriteLine("| variant | begin | provider call | end | whole | provider call − raw's | whole − raw's | paired whole − raw's [95 % CI] |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var (name, _, _, _) in variants)
        {
            var raw = samples[name.Split(':')[0] + ": raw"];
            var s = samples[name];
            var (paired, low, high) = s.All.PairedDifference(raw.All);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {s.Begin.Quantile(0.5):F2} | {s.Call.Quantile(0.5):F2} | {s.End.Quantile(0.5):F2} | {s.All.Quantile(0.5):F2} " +
                $"| {s.Call.Quantile(0.5) - raw.Call.Quantile(0.5):+0.00;-0.00;0.00} | {s.All.Quantile(0.5) - raw.All.Quantile(0.5):+0.00;-0.00;0.00} " +
                $"| {paired:+0.00;-0.00;0.00} [{low:+0.00;-0.00;0.00}, {high:+0.00;-0.00;0.00}] |"));
        }

        Console.WriteLine();
    }

    // About as much time as our begin, in code that has nothing to do with tracing: evicts instruction caches and
    // branch history, touches no AsyncLocal, no Activity.
    private static string CodeSweep()
    {
        var uri = new Uri("https://db.example.com:5432/orders/42?sslmode=require");
        var number = double.Parse("3.14159", CultureInfo.InvariantCulture);
        var key = Convert.ToBase64String(BitConverter.GetBytes(number));
        return string.Create(CultureInfo.InvariantCulture, $"{uri.Host}:{uri.Port}/{key}/{DateTime.UnixEpoch:O}");
    }

    private static void SetAndRestoreCurrent()
    {
        _madeCurrent ??= new Activity("made current").Start();
        Activity.Current = null;
        var previous = Activity.Current;
        Activity.Current = _madeCurrent;
        Activity.Current = previous;
    }

    private static void SetAndRestoreAsyncLocal()
    {
        var previous = PlainAsyncLocal.Value;
        PlainAsyncLocal.Value = Marker;
        PlainAsyncLocal.Value = previous;
    }

    private static void SpinFor(double microseconds)
    {
        var until = Stopwatch.GetTimestamp() + (long)(microseconds * Stopwatch.Frequency / 1_000_000);
        while (Stopwatch.GetTimestamp() < until)
        {
        }
    }

    // One int per 64-byte line of 1 MB: more than L2 holds, so whatever was cached is evicted.
    private static int Sweep()
    {
        var sum = 0;
        for (var i = 0; i < SweepData.Length; i += 16)
        {
            sum += SweepData[i];
        }

        return sum;
    }
}
