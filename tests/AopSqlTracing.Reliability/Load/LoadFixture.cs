using System.Diagnostics;
using AopSqlTracing.Reliability.Support;
using Autofac;
using Xunit.Abstractions;

namespace AopSqlTracing.Reliability.Load;

/// <summary>
/// Sixteen workers of mixed units of work, run untraced then traced on a fresh database each: every command has
/// exactly one span, finished once, under its unit's parent, and the traced run's outcomes equal the untraced one's.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class LoadFixture(ITestOutputHelper output)
{
    private const int Workers = 16;

    [Fact]
    public Task MixedWorkload_SqliteWal_EveryCommandOneSpanUnderItsParent()
        => RunAsync(() => new SqliteLoadDatabase(), commandsPerWorker: 5_000);

    [SkippableFact]
    public Task MixedWorkload_Postgres_EveryCommandOneSpanUnderItsParent()
    {
        var connectionString = PostgresServer.Require();
        // A 2-core CI machine shares its cores with the server: 16 × 5,000 takes about 40 s there, too close to the budget.
        return RunAsync(() => new PostgresLoadDatabase(connectionString), commandsPerWorker: Soak.Size(ci: 2_000, soak: 5_000));
    }

    [SkippableFact]
    public Task MixedWorkload_MariaDb_EveryCommandOneSpanUnderItsParent()
    {
        var connectionString = MariaDbServer.Require();
        // The server shares the CI machine's cores too: the PostgreSQL size.
        return RunAsync(() => new MariaDbLoadDatabase(connectionString), commandsPerWorker: Soak.Size(ci: 2_000, soak: 5_000));
    }

    private async Task RunAsync(Func<LoadDatabase> create, int commandsPerWorker)
    {
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        ThreadPool.SetMinThreads(Math.Max(minWorkers, Workers * 2), minIo);
        try
        {
            LoadResult raw;
            string description;
            using (var database = create())
            {
                description = database.Description;
                raw = await new LoadWorkload(database, null, Workers, commandsPerWorker).RunAsync(default);
            }

            LoadResult traced;
            SpanFigures figures;
            using (var database = create())
            {
                var builder = new ContainerBuilder();
                builder.RegisterTracedDatabase(_ => database.CreateConnection()).InstancePerLifetimeScope();
                await using var container = builder.Build();
                using var tally = new SpanTally();
                traced = await new LoadWorkload(database, container, Workers, commandsPerWorker).RunAsync(tally.Root.Context);
                figures = SpanFigures.Of(traced, tally);
            }

            var differences = Differences(raw, traced);
            output.Print($"{description}, {Soak.Mode} size {Workers} workers × {commandsPerWorker:N0} commands, {LoadWorkload.CommandsPerUnit} per unit of work:");
            output.Print($"  {traced.Commands:N0} commands, {figures.Spans:N0} spans, {figures.Lost} lost, {figures.Misparented} misparented, "
                + $"{figures.FinishedTwice} finished twice, {figures.Unfinished} unfinished");
            output.Print($"  untraced {raw.Elapsed.TotalSeconds:F1} s, traced {traced.Elapsed.TotalSeconds:F1} s; "
                + $"errors untraced {raw.Errors}, traced {traced.Errors}; outcomes differing {differences.Count}");

            Assert.Equal(Workers * commandsPerWorker, raw.Commands);
            Assert.Equal(raw.Commands, traced.Commands);
            Assert.True(differences.Count == 0, $"traced outcomes differ from untraced ones, first: {differences.FirstOrDefault()}");
            Assert.Equal(traced.Commands, figures.Spans);
            Assert.Equal(0, figures.Lost);
            Assert.Equal(0, figures.Misparented);
            Assert.Equal(0, figures.FinishedTwice);
            Assert.Equal(0, figures.Unfinished);
        }
        finally
        {
            ThreadPool.SetMinThreads(minWorkers, minIo);
        }
    }

    private static List<string> Differences(LoadResult raw, LoadResult traced)
    {
        var differences = new List<string>();
        foreach (var (untracedWorker, tracedWorker) in raw.Workers.Zip(traced.Workers))
        {
            var count = Math.Max(untracedWorker.Outcomes.Count, tracedWorker.Outcomes.Count);
            for (var i = 0; i < count; i++)
            {
                var expected = i < untracedWorker.Outcomes.Count ? untracedWorker.Outcomes[i] : "(nothing)";
                var actual = i < tracedWorker.Outcomes.Count ? tracedWorker.Outcomes[i] : "(nothing)";
                if (expected != actual)
                {
                    differences.Add($"worker {untracedWorker.Worker} command {i}: untraced «{expected}», traced «{actual}»");
                }
            }
        }

        return differences;
    }

    /// <summary>The spans of a traced run counted against the commands it ran.</summary>
    private sealed record SpanFigures(int Spans, int Lost, int Misparented, int FinishedTwice, long Unfinished)
    {
        public static SpanFigures Of(LoadResult run, SpanTally tally)
        {
            var lost = 0;
            var extra = 0;
            var underKnownParents = 0;
            var expected = run.Workers.SelectMany(worker => worker.ExpectedChildren).ToList();
            foreach (var (parent, commands) in expected)
            {
                var children = tally.ChildrenByParent.TryGetValue(parent, out var count) ? count : 0;
                underKnownParents += children;
                lost += Math.Max(0, commands - children);
                extra += Math.Max(0, children - commands);
            }

            var elsewhere = tally.ChildrenByParent.Values.Sum() - underKnownParents;
            return new SpanFigures(tally.Finished, lost, extra + elsewhere, tally.FinishedTwice, tally.Started - tally.Finished);
        }
    }
}
