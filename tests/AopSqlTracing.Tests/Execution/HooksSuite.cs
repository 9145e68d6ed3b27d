using System.Data.Common;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;

namespace AopSqlTracing.Tests.Execution;

/// <summary>User hooks (<c>Filter</c>, <c>Enrich</c>, <c>EnrichWithException</c>) shape spans and can never break a call.</summary>
public abstract class HooksSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableFact]
    public void Filter_False_StartsNoSpanAtAll()
    {
        var seen = new List<string>();
        using var connection = Open(o => o.Filter = command =>
        {
            seen.Add(command.CommandText);
            return !command.CommandText.Contains("health", StringComparison.Ordinal);
        });

        connection.Execute("SELECT 1 AS health");
        connection.Execute("SELECT 2");

        Assert.Equal(["SELECT 1 AS health", "SELECT 2"], seen);
        Assert.Equal("SELECT ?", Assert.Single(Recorder.StartedSpans).GetTagItem("db.query.text"));
    }

    [SkippableFact]
    public void Enrich_AddsTagsToTheStartedSpan_WithTheProvidersCommand()
    {
        RequireProvider();
        using var plain = Provider.CreateConnection();
        var providerCommandType = plain.CreateCommand().GetType();
        using var connection = Open(o => o.Enrich = (activity, command) =>
        {
            activity.SetTag("app.command.type", command.GetType().FullName);
            activity.SetTag("app.span.started", activity.Id is not null);
        });

        connection.Execute("SELECT 1");

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(providerCommandType.FullName, span.GetTagItem("app.command.type"));
        Assert.Equal(true, span.GetTagItem("app.span.started"));
    }

    [SkippableFact]
    public void EnrichWithException_SeesTheException_BeforeTheSpanEnds()
    {
        Exception? seen = null;
        using var connection = Open(o => o.EnrichWithException = (activity, exception) =>
        {
            seen = exception;
            activity.SetTag("app.failed", true);
        });

        var error = Assert.ThrowsAny<DbException>(() => connection.Execute("SELECT * FROM missing"));

        Assert.Contains(Provider.MissingTableMessage("missing"), error.Message, StringComparison.Ordinal);
        Assert.Same(error, seen);
        Assert.Equal(true, Assert.Single(Recorder.Spans).GetTagItem("app.failed"));
    }

    [SkippableFact]
    public async Task ThrowingHooks_LeaveResultsAndExceptionsAsUntraced()
    {
        await using var connection = Open(o =>
        {
            o.Enrich = (_, _) => throw new InvalidOperationException("enrich");
            o.EnrichWithException = (_, _) => throw new InvalidOperationException("enrich with exception");
        });
        await using var raw = OpenRaw();

        var traced = await Outcomes(connection);
        var untraced = await Outcomes(raw);

        Assert.Equal(untraced, traced);
        Assert.Contains(traced, outcome => outcome.Contains("Exception", StringComparison.Ordinal));
        Assert.Equal(4, Recorder.Spans.Count);
        Assert.All(Recorder.StartedSpans, span => Assert.True(span.IsStopped));
    }

    [SkippableFact]
    public async Task ThrowingFilter_RunsTheCommandUntraced()
    {
        await using var connection = Open(o => o.Filter = _ => throw new InvalidOperationException("filter"));
        await using var raw = OpenRaw();

        var traced = await Outcomes(connection);
        var untraced = await Outcomes(raw);

        Assert.Equal(untraced, traced);
        Assert.Empty(Recorder.StartedSpans);
    }

    // What a small workload returns and throws, as text to compare.
    private static async Task<List<string>> Outcomes(DbConnection connection)
    {
        var outcomes = new List<string>();
        foreach (var sql in new[] { "CREATE TEMPORARY TABLE t (x INTEGER UNIQUE)", "INSERT INTO t VALUES (1), (2)", "SELECT SUM(x) FROM t", "INSERT INTO t VALUES (1)" })
        {
            try
            {
                await using var command = connection.Command(sql);
                outcomes.Add($"{await command.ExecuteScalarAsync()}");
            }
            catch (Exception exception)
            {
                outcomes.Add($"{exception.GetType().FullName}: {exception.Message}");
            }
        }

        return outcomes;
    }
}

public sealed class SqliteHooks : HooksSuite<SqliteProvider>;

public sealed class PostgresHooks : HooksSuite<PostgresProvider>;

public sealed class MariaDbHooks : HooksSuite<MariaDbProvider>;
