using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Conventions;

/// <summary>User hooks shape spans and can never break a call.</summary>
public sealed class HooksFixture : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public void FilterFalse_StartsNoSpanAtAll()
    {
        var seen = new List<string>();
        using var container = TestContainers.Sqlite(o => o.Filter = command =>
        {
            seen.Add(command.CommandText);
            return !command.CommandText.Contains("health", StringComparison.Ordinal);
        });
        using var connection = container.OpenConnection();

        connection.Execute("SELECT 1 AS health");
        connection.Execute("SELECT 2");

        Assert.Equal(["SELECT 1 AS health", "SELECT 2"], seen);
        Assert.Equal("SELECT ?", Assert.Single(_recorder.StartedSpans).GetTagItem("db.query.text"));
    }

    [Fact]
    public void Enrich_AddsTagsToTheStartedSpan_WithTheProvidersCommand()
    {
        using var container = TestContainers.Sqlite(o => o.Enrich = (activity, command) =>
        {
            activity.SetTag("app.command.type", command.GetType().Name);
            activity.SetTag("app.span.started", activity.Id is not null);
        });
        using var connection = container.OpenConnection();

        connection.Execute("SELECT 1");

        var span = Assert.Single(_recorder.Spans);
        Assert.Equal(nameof(SqliteCommand), span.GetTagItem("app.command.type"));
        Assert.Equal(true, span.GetTagItem("app.span.started"));
    }

    [Fact]
    public void EnrichWithException_SeesTheException_BeforeTheSpanEnds()
    {
        Exception? seen = null;
        using var container = TestContainers.Sqlite(o => o.EnrichWithException = (activity, exception) =>
        {
            seen = exception;
            activity.SetTag("app.failed", true);
        });
        using var connection = container.OpenConnection();

        var error = Assert.Throws<SqliteException>(() => connection.Execute("SELECT * FROM missing"));

        Assert.Same(error, seen);
        Assert.Equal(true, Assert.Single(_recorder.Spans).GetTagItem("app.failed"));
    }

    [Fact]
    public async Task ThrowingHooks_LeaveResultsAndExceptionsAsUntraced()
    {
        using var container = TestContainers.Sqlite(o =>
        {
            o.Enrich = (_, _) => throw new InvalidOperationException("enrich");
            o.EnrichWithException = (_, _) => throw new InvalidOperationException("enrich with exception");
        });
        using var connection = container.OpenConnection();
        using var raw = new SqliteConnection(TestContainers.InMemory);
        raw.Open();

        var traced = await Outcomes(connection);
        var untraced = await Outcomes(raw);

        Assert.Equal(untraced, traced);
        Assert.Equal(4, _recorder.Spans.Count);
        Assert.All(_recorder.StartedSpans, span => Assert.True(span.IsStopped));
    }

    [Fact]
    public async Task ThrowingFilter_RunsTheCommandUntraced()
    {
        using var container = TestContainers.Sqlite(o => o.Filter = _ => throw new InvalidOperationException("filter"));
        using var connection = container.OpenConnection();
        using var raw = new SqliteConnection(TestContainers.InMemory);
        raw.Open();

        var traced = await Outcomes(connection);
        var untraced = await Outcomes(raw);

        Assert.Equal(untraced, traced);
        Assert.Empty(_recorder.StartedSpans);
    }

    // What a small workload returns and throws, as text to compare.
    private static async Task<List<string>> Outcomes(DbConnection connection)
    {
        var outcomes = new List<string>();
        foreach (var sql in new[] { "CREATE TABLE t (x INTEGER UNIQUE)", "INSERT INTO t VALUES (1), (2)", "SELECT SUM(x) FROM t", "INSERT INTO t VALUES (1)" })
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
