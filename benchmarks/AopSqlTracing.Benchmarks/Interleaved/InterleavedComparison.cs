using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// `--interleaved`: the PostgreSQL overhead measured the only way a ±10 µs round trip lets microseconds show. All
/// variants share one connection; every round runs each variant a few times in a random order, every timed
/// execution right after an untimed raw round trip (so each starts equally cold), timed alone with
/// <see cref="Stopwatch.GetTimestamp"/>. Per variant: min, p10, median, p90, each one's difference to raw, and the
/// median of per-round differences (drift that hits a whole round cancels). SQLite runs in the same rounds (each
/// execution also right after a PostgreSQL round trip) and then on its own, warm, to tell what the round trip
/// itself does to our per-command cost from what PostgreSQL-specific calls add.
/// </summary>
public static class InterleavedComparison
{
    private static readonly ActivitySource SpanFloorSource = new(ListenerSwitch.SpanFloorSource);

    private static object? _sink;

    public static void Run(string[] args)
    {
        var arguments = new ModeArguments(args);
        var rounds = arguments.Int("--rounds", 600);
        var perRound = arguments.Int("--per-round", 8);
        var warmup = arguments.Int("--warmup", 60);
        var seed = arguments.Int("--seed", Environment.TickCount & int.MaxValue);
        var withSqlite = !arguments.Flag("--no-sqlite");
        var backToBack = arguments.Flag("--back-to-back");

        using var fixture = InterleavedFixture.Create(ModeArguments.RequirePostgres());
        var postgres = PostgresVariants(fixture.Postgres);
        var sqliteCold = withSqlite ? SqliteVariants(fixture.Sqlite, "SQLite, cold") : [];
        var sqliteWarm = withSqlite ? SqliteVariants(fixture.Sqlite, "SQLite, warm") : [];

        PrintHeader(fixture, rounds, perRound, warmup, seed, backToBack);
        using var listeners = new ListenerSwitch();
        Check(postgres.Concat(sqliteCold), listeners);
        WarmUp([.. postgres, .. sqliteCold, .. sqliteWarm], listeners);

        var loadBefore = LoadAverage();
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var wall = Stopwatch.StartNew();
        var random = new Random(seed);
        RunAfterRoundTrips([.. postgres, .. sqliteCold], backToBack ? null : fixture.Postgres.Separator, listeners, random, warmup, rounds, perRound);
        RunWarm(sqliteWarm, listeners, random, warmup, rounds, perRound);
        wall.Stop();

        var after = backToBack ? "variants back to back, no untimed round trip between them" : "each execution right after an untimed raw round trip";
        Console.WriteLine(LatencyTable.Format($"PostgreSQL point select, prepared, loopback ({after})", postgres));
        if (withSqlite)
        {
            Console.WriteLine(LatencyTable.Format($"SQLite in memory, in the same rounds ({after}): cold", sqliteCold));
            Console.WriteLine(LatencyTable.Format($"SQLite in memory, warm: blocks of {perRound + 1} runs of one variant, the first discarded", sqliteWarm));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wall {wall.Elapsed.TotalSeconds:F1} s; load average before {loadBefore}, after {LoadAverage()}; " +
            $"GCs gen0/1/2 during the run: {GC.CollectionCount(0) - gcBefore.Item1}/{GC.CollectionCount(1) - gcBefore.Item2}/{GC.CollectionCount(2) - gcBefore.Item3}; " +
            $"listener switches {listeners.Switches}"));
    }

    // Every variant of a round, perRound times each, shuffled; each timed execution comes right after an untimed raw
    // round trip (the separator), unless there is none: then after whatever variant the shuffle put before it.
    private static void RunAfterRoundTrips(
        List<Variant> variants, PreparedSelect? separator, ListenerSwitch listeners, Random random, int warmup, int rounds, int perRound)
    {
        var order = new List<Variant>(variants.Count * perRound);
        for (var round = 0; round < warmup + rounds; round++)
        {
            order.Clear();
            foreach (var variant in variants)
            {
                order.AddRange(Enumerable.Repeat(variant, perRound));
            }

            Shuffle(order, random);
            foreach (var variant in order)
            {
                listeners.Enter(variant.World);
                variant.Prepare();
                if (separator is not null)
                {
                    separator.NextKey();
                    _sink = separator.Command.ExecuteScalar();
                }

                var start = Stopwatch.GetTimestamp();
                _sink = variant.Execute();
                var elapsed = Stopwatch.GetTimestamp() - start;
                if (round >= warmup)
                {
                    variant.Samples.Add(round - warmup, elapsed);
                }
            }
        }
    }

    // Every variant past the JIT's tiers (tier 0, instrumented, optimised: the traced path has the most methods
    // waiting) for a while before the warm-up rounds; a short run would otherwise time code not yet optimised.
    private static void WarmUp(List<Variant> variants, ListenerSwitch listeners)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1.5))
        {
            foreach (var variant in variants)
            {
                listeners.Enter(variant.World);
                for (var i = 0; i < 100; i++)
                {
                    variant.Prepare();
                    _sink = variant.Execute();
                }
            }

            Thread.Sleep(100);
        }
    }

    // Warm: a block of perRound + 1 runs of one variant, the first (after a listener switch) discarded; blocks in random order.
    private static void RunWarm(List<Variant> variants, ListenerSwitch listeners, Random random, int warmup, int rounds, int perRound)
    {
        var order = new List<Variant>(variants);
        for (var round = 0; round < warmup + rounds; round++)
        {
            Shuffle(order, random);
            foreach (var variant in order)
            {
                listeners.Enter(variant.World);
                for (var i = 0; i <= perRound; i++)
                {
                    variant.Prepare();
                    var start = Stopwatch.GetTimestamp();
                    _sink = variant.Execute();
                    var elapsed = Stopwatch.GetTimestamp() - start;
                    if (round >= warmup && i > 0)
                    {
                        variant.Samples.Add(round - warmup, elapsed);
                    }
                }
            }
        }
    }

    internal static List<Variant> PostgresVariants(EngineCommands pg)
    {
        const string group = "PostgreSQL";
        var database = pg.Provider.Database;
        return
        [
            new(group, "(a) raw Npgsql", ListenerWorld.None, pg.Raw.NextKey, () => pg.Raw.Command.ExecuteScalar(), isBaseline: true),
            new(group, "(b) Npgsql's own tracing (source \"Npgsql\" listened)", ListenerWorld.Npgsql, pg.RawForNpgsqlTracing.NextKey,
                () => pg.RawForNpgsqlTracing.Command.ExecuteScalar()),
            new(group, "(c) our proxy, untraced (TraceAllCommands=false)", ListenerWorld.AopSqlTracing, pg.Untraced.NextKey,
                () => pg.Untraced.Command.ExecuteScalar()),
            new(group, "(d) our proxy, traced, listener", ListenerWorld.AopSqlTracing, pg.Traced.NextKey, () => pg.Traced.Command.ExecuteScalar()),
            new(group, "(e) our proxy, traced, no listener", ListenerWorld.None, pg.Traced.NextKey, () => pg.Traced.Command.ExecuteScalar()),
            new(group, "(f) span floor: raw + bare Activity, our 8 tags", ListenerWorld.SpanFloor, pg.RawForSpanFloor.NextKey,
                () => WithBareSpan(pg.RawForSpanFloor.Command, "postgresql", database, "127.0.0.1", 5432)),
            new(group, "(g) Castle floor: proxy that only proceeds", ListenerWorld.None, pg.CastleFloor.NextKey, () => pg.CastleFloor.Command.ExecuteScalar()),
        ];
    }

    internal static List<Variant> SqliteVariants(EngineCommands sqlite, string group)
    {
        var database = sqlite.Provider.Database;
        return
        [
            new(group, "(a) raw Microsoft.Data.Sqlite", ListenerWorld.None, sqlite.Raw.NextKey, () => sqlite.Raw.Command.ExecuteScalar(), isBaseline: true),
            new(group, "(c) our proxy, untraced (TraceAllCommands=false)", ListenerWorld.AopSqlTracing, sqlite.Untraced.NextKey,
                () => sqlite.Untraced.Command.ExecuteScalar()),
            new(group, "(d) our proxy, traced, listener", ListenerWorld.AopSqlTracing, sqlite.Traced.NextKey, () => sqlite.Traced.Command.ExecuteScalar()),
            new(group, "(e) our proxy, traced, no listener", ListenerWorld.None, sqlite.Traced.NextKey, () => sqlite.Traced.Command.ExecuteScalar()),
            new(group, "(f) span floor: raw + bare Activity, our 6 tags", ListenerWorld.SpanFloor, sqlite.RawForSpanFloor.NextKey,
                () => WithBareSpan(sqlite.RawForSpanFloor.Command, "sqlite", database, null, 0)),
            new(group, "(g) Castle floor: proxy that only proceeds", ListenerWorld.None, sqlite.CastleFloor.NextKey,
                () => sqlite.CastleFloor.Command.ExecuteScalar()),
        ];
    }

    // The least a span can cost around the same command: one Activity, the tags we set, nothing decided.
    private static object? WithBareSpan(System.Data.Common.DbCommand command, string system, string database, string? address, int port)
    {
        var activity = SpanFloorSource.StartActivity("select", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", system);
            activity.SetTag("db.namespace", database);
            if (address is not null)
            {
                activity.SetTag("server.address", address);
                activity.SetTag("server.port", port);
            }

            activity.SetTag("db.query.text", UsersDatabase.PointSelect);
            activity.SetTag("db.operation.name", "SELECT");
            activity.SetTag("db.query.summary", "SELECT users");
            activity.SetTag("db.collection.name", "users");
        }

        var result = command.ExecuteScalar();
        activity?.Stop();
        return result;
    }

    // Each variant once under a listener that counts, on its own world's source: traced ones must make exactly one span.
    private static void Check(IEnumerable<Variant> variants, ListenerSwitch listeners)
    {
        listeners.Enter(ListenerWorld.None);
        var counts = new List<string>();
        foreach (var variant in variants.Where(v => v.World != ListenerWorld.None))
        {
            var spans = 0;
            var name = variant.World switch
            {
                ListenerWorld.AopSqlTracing => SqlTracing.ActivitySourceName,
                ListenerWorld.Npgsql => "Npgsql",
                _ => ListenerSwitch.SpanFloorSource,
            };
            using (var counter = new ActivityListener
            {
                ShouldListenTo = source => source.Name == name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _ => spans++,
            })
            {
                ActivitySource.AddActivityListener(counter);
                variant.Prepare();
                _sink = variant.Execute();
            }

            counts.Add($"{variant.Group} {variant.Name[..3]}: {spans}");
        }

        Console.WriteLine($"check, spans per execution on the variant's own source: {string.Join("; ", counts)}");
        Console.WriteLine();
    }

    private static void PrintHeader(InterleavedFixture fixture, int rounds, int perRound, int warmup, int seed, bool backToBack)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Interleaved comparison, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} logical cores, " +
            $"{RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; " +
            $"Npgsql {typeof(NpgsqlConnection).Assembly.GetName().Version}, PostgreSQL {fixture.Postgres.Provider.ServerVersion}; " +
            $"Stopwatch {Stopwatch.Frequency:N0} Hz"));
        Console.WriteLine(
            $"{rounds} rounds (+{warmup} warm-up rounds discarded), each variant {perRound}× per round in a random order" +
            $"{(backToBack ? ", back to back" : ", each after an untimed raw round trip")}; seed {seed} (--seed to repeat); " +
            $"TLS to the server: {TlsInUse(fixture.Postgres.Provider)}");
    }

    // Npgsql's default (SSL Mode=Prefer) encrypts whenever the server offers TLS, and TLS is a good part of a round trip.
    internal static string TlsInUse(System.Data.Common.DbConnection postgres)
    {
        using var command = postgres.CreateCommand();
        command.CommandText = "SELECT COALESCE((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)";
        return command.ExecuteScalar() is true ? "yes (add SSL Mode=Disable to the connection string to compare)" : "no";
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static void Shuffle(List<Variant> items, Random random)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
