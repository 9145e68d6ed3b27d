using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AopSqlTracing;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// `--pg-steps`: each call our per-command path makes, timed alone on an open NpgsqlConnection and on an open
/// SqliteConnection, two ways. Warm: the median of many calls in a row, what a micro-benchmark sees. Cold: one
/// call right after an untimed PostgreSQL round trip (median and p10 over many rounds), what a command sees in a
/// real PostgreSQL application, whose thread has just slept in the kernel waiting for the server while others used
/// the CPU caches. A span's end is timed the way it runs: begun before the round trip, ended right after it.
/// </summary>
public static class StepTimings
{
    private static object? _sink;
    private static int _intSink;

    public static void Run(string[] args)
    {
        var arguments = new ModeArguments(args);
        var rounds = arguments.Int("--rounds", 2000);
        var calls = arguments.Int("--calls", 20_000);
        var seed = arguments.Int("--seed", Environment.TickCount & int.MaxValue);

        using var fixture = InterleavedFixture.Create(ModeArguments.RequirePostgres());
        using var listener = SpanListener.Start(SqlTracing.ActivitySourceName, ListenerSwitch.SpanFloorSource);
        var steps = Steps(fixture.Postgres, fixture.Sqlite);
        var separator = fixture.Postgres.Separator;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Per-step timings, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} logical cores; load average {File.ReadAllText("/proc/loadavg").Trim()}; " +
            $"warm: median of {calls:N0} calls in a row; cold: {rounds} rounds, every step once per provider per round in a random order, " +
            $"each right after an untimed raw PostgreSQL round trip; seed {seed}"));
        Console.WriteLine("listening (sampling all, nothing else) to: AopSqlTracing and the span-floor source");
        Console.WriteLine();

        // Every step well past the JIT's tier-up before anything is timed.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var probe in steps.SelectMany(s => new[] { s.Postgres, s.Sqlite }).OfType<Probe>())
            {
                Time(probe, 2_000);
            }

            Thread.Sleep(500);
        }

        var warm = new Dictionary<Probe, LatencySamples>();
        foreach (var probe in steps.SelectMany(s => new[] { s.Postgres, s.Sqlite }).OfType<Probe>())
        {
            warm[probe] = Time(probe, calls);
        }

        var cold = Cold(steps, separator, rounds, new Random(seed));
        var empty = steps[0];
        Console.WriteLine("| step | Npgsql warm | SQLite warm | Npgsql cold median | SQLite cold median | Npgsql cold p10 | SQLite cold p10 |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|");
        foreach (var step in steps)
        {
            // Every row but the empty step's has the empty step's cost, same provider, same way, same quantile, taken off.
            string Cell(bool postgres, Dictionary<Probe, LatencySamples> samples, double q)
            {
                var (probe, baseline) = postgres ? (step.Postgres, empty.Postgres!) : (step.Sqlite, empty.Sqlite!);
                if (probe is null)
                {
                    return "n/a";
                }

                var value = samples[probe].Quantile(q) * 1000.0;
                return Ns(step == empty ? value : value - (samples[baseline].Quantile(q) * 1000.0));
            }

            Console.WriteLine(
                $"| {step.Name} | {Cell(true, warm, 0.5)} | {Cell(false, warm, 0.5)} | {Cell(true, cold, 0.5)} | {Cell(false, cold, 0.5)} " +
                $"| {Cell(true, cold, 0.1)} | {Cell(false, cold, 0.1)} |");
        }

        Console.WriteLine();
        Console.WriteLine("ns per call (median unless p10), the empty step (the timer and a delegate call) taken off every other row; n/a: does not apply, or the library no longer has that step.");
        Console.WriteLine();
        SegmentTimings.Run(fixture, rounds, new Random(seed + 1));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load average after: {File.ReadAllText("/proc/loadavg").Trim()}"));
    }

    private static List<Step> Steps(EngineCommands pg, EngineCommands sqlite)
    {
        var pgConnection = pg.Provider;
        var sqliteConnection = sqlite.Provider;
        var pgCommand = pg.Raw.Command;
        var sqliteCommand = sqlite.Raw.Command;

        var systemNameOf = LibraryProbes.SystemNameOf();
        var serverEndpointOf = LibraryProbes.ServerEndpointOf();
        var factsOf = LibraryProbes.ConnectionFactsOf();
        var ambientMark = LibraryProbes.AmbientRepositoryMark();
        var hasListeners = LibraryProbes.HasListeners();
        var pgOptions = LibraryProbes.OptionsOf(pg.TracedConnection) ?? new SqlTracingOptions();
        var sqliteOptions = LibraryProbes.OptionsOf(sqlite.TracedConnection) ?? new SqlTracingOptions();
        var pgWhole = LibraryProbes.BeginAndEnd(pg.TracedConnection, pgOptions);
        var sqliteWhole = LibraryProbes.BeginAndEnd(sqlite.TracedConnection, sqliteOptions);
        var pgSpan = LibraryProbes.StartAndStop(pg.TracedConnection, pgOptions);
        var sqliteSpan = LibraryProbes.StartAndStop(sqlite.TracedConnection, sqliteOptions);
        var pgExecution = LibraryProbes.Execution(pgCommand, pgConnection, pgOptions);
        var sqliteExecution = LibraryProbes.Execution(sqliteCommand, sqliteConnection, sqliteOptions);
        IParentSpanPolicy policy = DefaultParentSpanPolicy.Instance;

        // What ServerEndpoints keeps: one entry per distinct connection string, looked up with that string.
        var byConnectionString = new ConcurrentDictionary<string, object>(StringComparer.Ordinal);
        byConnectionString[pgConnection.ConnectionString] = new object();
        byConnectionString[sqliteConnection.ConnectionString] = new object();

        var pgTags = (pgConnection.Database, (string?)"127.0.0.1");
        var sqliteTags = (sqliteConnection.Database, (string?)null);

        return
        [
            Step.Both("empty step (timer + delegate; the rest have it taken off)", () => { }, () => { }),
            Step.Both("connection.Database", () => _sink = pgConnection.Database, () => _sink = sqliteConnection.Database),
            Step.Both("connection.ConnectionString", () => _sink = pgConnection.ConnectionString, () => _sink = sqliteConnection.ConnectionString),
            Step.Both("connection.DataSource", () => _sink = pgConnection.DataSource, () => _sink = sqliteConnection.DataSource),
            Step.Both("command.Connection", () => _sink = pgCommand.Connection, () => _sink = sqliteCommand.Connection),
            Step.Both("command.CommandText", () => _sink = pgCommand.CommandText, () => _sink = sqliteCommand.CommandText),
            Step.Both("command.CommandType", () => _intSink = (int)pgCommand.CommandType, () => _intSink = (int)sqliteCommand.CommandType),
            Step.Both("DbSystemNames.Of(connection.GetType())",
                systemNameOf is null ? null : () => _sink = systemNameOf(pgConnection.GetType()),
                systemNameOf is null ? null : () => _sink = systemNameOf(sqliteConnection.GetType())),
            Step.Both("ServerEndpoints.Of(connection, system) (SQLite: returns at once)",
                serverEndpointOf is null ? null : () => _sink = serverEndpointOf(pgConnection, "postgresql"),
                serverEndpointOf is null ? null : () => _sink = serverEndpointOf(sqliteConnection, "sqlite")),
            Step.Both("  its part: dictionary look-up keyed on the connection string",
                () => _sink = byConnectionString.TryGetValue(pgConnection.ConnectionString, out var found) ? found : null,
                () => _sink = byConnectionString.TryGetValue(sqliteConnection.ConnectionString, out var found) ? found : null),
            Step.Both("ConnectionFacts.Of(connection) (the three above at once; where it exists, once per open)",
                factsOf is null ? null : () => _sink = factsOf(pgConnection), factsOf is null ? null : () => _sink = factsOf(sqliteConnection)),
            Step.Both("AmbientRepositoryCall.Mark (AsyncLocal read)",
                ambientMark is null ? null : () => _sink = ambientMark(), ambientMark is null ? null : () => _sink = ambientMark()),
            Step.Both("HasListeners on our ActivitySource",
                hasListeners is null ? null : () => _intSink = hasListeners() ? 1 : 0, hasListeners is null ? null : () => _intSink = hasListeners() ? 1 : 0),
            Step.Both("policy.Decide(execution) (default policy, nothing marked)",
                pgExecution is { } pe ? () => _sink = policy.Decide(pe).Parent : null,
                sqliteExecution is { } se ? () => _sink = policy.Decide(se).Parent : null),
            Step.Both("Activity.Current read", () => _sink = Activity.Current, () => _sink = Activity.Current),
            Step.Both("bare Activity: create, start, stop, Current kept (no tags)",
                () => BareSpan.End(BareSpan.Start(null)), () => BareSpan.End(BareSpan.Start(null))),
            Step.Both("bare Activity + our tags (PG 8 with a boxed port, SQLite 6)",
                () => BareSpan.End(BareSpan.Start(pgTags)), () => BareSpan.End(BareSpan.Start(sqliteTags))),
            Step.Split("  its start alone (stopped untimed)",
                new Probe(() => BareSpan.Last = BareSpan.Start(pgTags), After: () => BareSpan.End(BareSpan.Last)),
                new Probe(() => BareSpan.Last = BareSpan.Start(sqliteTags), After: () => BareSpan.End(BareSpan.Last))),
            Step.Split("  its stop alone, started before the round trip",
                new Probe(() => BareSpan.End(BareSpan.Last), Before: () => BareSpan.Last = BareSpan.Start(pgTags)),
                new Probe(() => BareSpan.End(BareSpan.Last), Before: () => BareSpan.Last = BareSpan.Start(sqliteTags))),
            Step.Both("SqlSpanFactory.StartCommand + stop (classify, span, tags; no marks, no policy)",
                pgSpan is null ? null : () => { pgSpan.Begin(pgCommand); pgSpan.End(); },
                sqliteSpan is null ? null : () => { sqliteSpan.Begin(sqliteCommand); sqliteSpan.End(); }),
            Step.Both("begin + end of one command (all we do per command but Castle)",
                pgWhole is null ? null : () => { pgWhole.Begin(pgCommand); pgWhole.End(); },
                sqliteWhole is null ? null : () => { sqliteWhole.Begin(sqliteCommand); sqliteWhole.End(); }),
            Step.Split("  its begin alone (ended untimed)",
                pgWhole is null ? null : new Probe(() => pgWhole.Begin(pgCommand), After: pgWhole.End),
                sqliteWhole is null ? null : new Probe(() => sqliteWhole.Begin(sqliteCommand), After: sqliteWhole.End)),
            Step.Split("  its end alone, begun before the round trip",
                pgWhole is null ? null : new Probe(pgWhole.End, Before: () => pgWhole.Begin(pgCommand)),
                sqliteWhole is null ? null : new Probe(sqliteWhole.End, Before: () => sqliteWhole.Begin(sqliteCommand))),
        ];
    }

    private static LatencySamples Time(Probe probe, int calls)
    {
        var samples = new LatencySamples();
        for (var i = 0; i < calls; i++)
        {
            probe.Before?.Invoke();
            var start = Stopwatch.GetTimestamp();
            probe.Timed();
            var elapsed = Stopwatch.GetTimestamp() - start;
            probe.After?.Invoke();
            samples.Add(0, elapsed);
        }

        return samples;
    }

    private static Dictionary<Probe, LatencySamples> Cold(List<Step> steps, PreparedSelect separator, int rounds, Random random)
    {
        var probes = steps.SelectMany(s => new[] { s.Postgres, s.Sqlite }).OfType<Probe>().ToList();
        var samples = probes.ToDictionary(p => p, _ => new LatencySamples());
        const int warmup = 50;
        for (var round = 0; round < warmup + rounds; round++)
        {
            for (var i = probes.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (probes[i], probes[j]) = (probes[j], probes[i]);
            }

            foreach (var probe in probes)
            {
                probe.Before?.Invoke();
                separator.NextKey();
                _sink = separator.Command.ExecuteScalar();
                var start = Stopwatch.GetTimestamp();
                probe.Timed();
                var elapsed = Stopwatch.GetTimestamp() - start;
                probe.After?.Invoke();
                if (round >= warmup)
                {
                    samples[probe].Add(round - warmup, elapsed);
                }
            }
        }

        return samples;
    }

    private static string Ns(double value) => double.IsNaN(value) ? "n/a" : value.ToString("F0", CultureInfo.InvariantCulture);

    /// <summary>What is timed, with untimed work before it (before the round trip, when cold) and after it.</summary>
    private sealed record Probe(Action Timed, Action? Before = null, Action? After = null);

    private sealed record Step(string Name, Probe? Postgres, Probe? Sqlite)
    {
        public static Step Both(string name, Action? postgres, Action? sqlite)
            => new(name, postgres is null ? null : new Probe(postgres), sqlite is null ? null : new Probe(sqlite));

        public static Step Split(string name, Probe? postgres, Probe? sqlite) => new(name, postgres, sqlite);
    }
}
