using System.Diagnostics;
using AopSqlTracing.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Execution;

/// <summary>
/// Our span is <see cref="Activity.Current"/> inside the provider's call, as a span is for the code it times, whatever
/// the provider: code it calls back (a SQLite function) sees the command's span, and the provider's own spans (Npgsql,
/// MySqlConnector: see the MariaDB and PostgreSQL fixtures) are its children. The caller's current activity is the
/// same before and after every call, whether it succeeds, fails, or hands a reader back.
/// </summary>
public sealed class ProviderCallFixture : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public async Task TracedCommand_TheProvidersCallSeesTheCommandsSpan_TheCallerSeesItsOwnBeforeAndAfter()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        var seen = new List<string?>();
        ((SqliteConnection)connection.Unwrap()).CreateFunction("current_span", () =>
        {
            seen.Add(Activity.Current?.SpanId.ToHexString());
            return 1;
        });
        var caller = Activity.Current;
        var after = new List<Activity?>();

        connection.Command("SELECT current_span()").ExecuteScalar();
        after.Add(Activity.Current);
        await connection.Command("SELECT current_span()").ExecuteScalarAsync();
        after.Add(Activity.Current);
        using (var reader = connection.Command("SELECT current_span()").ExecuteReader())
        {
            after.Add(Activity.Current);
            Assert.True(reader.Read());
        }

        after.Add(Activity.Current);
        Assert.ThrowsAny<SqliteException>(() => connection.Command("SELECT current_span() FROM missing_table").ExecuteScalar());
        after.Add(Activity.Current);

        Assert.All(after, current => Assert.Same(caller, current));
        Assert.Equal(4, _recorder.Spans.Count);
        Assert.Equal(_recorder.Spans.Take(3).Select(span => (string?)span.SpanId.ToHexString()), seen);
        Assert.All(_recorder.Spans, span => Assert.NotEqual(caller?.SpanId, span.SpanId));
    }

    [Fact]
    public void UntracedCommand_TheProvidersCallSeesTheCallersCurrent()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var connection = container.OpenConnection();
        var seen = new List<string?>();
        ((SqliteConnection)connection.Unwrap()).CreateFunction("current_span", () =>
        {
            seen.Add(Activity.Current?.SpanId.ToHexString());
            return 1;
        });

        connection.Command("SELECT current_span()").ExecuteScalar();

        Assert.Equal([_recorder.Root.SpanId.ToHexString()], seen);
        Assert.Empty(_recorder.StartedSpans);
    }
}
