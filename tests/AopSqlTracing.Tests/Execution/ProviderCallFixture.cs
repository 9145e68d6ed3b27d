using System.Diagnostics;
using AopSqlTracing.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Execution;

/// <summary>
/// Our span is <see cref="Activity.Current"/> during the provider's call only where the provider starts spans of its
/// own and someone listens to them (Npgsql, MySqlConnector: see the MariaDB and PostgreSQL fixtures). Microsoft.Data.Sqlite
/// has none, so code it calls back (a SQLite function) sees the caller's current activity, and nothing is written.
/// </summary>
public sealed class ProviderCallFixture : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public void TracedCommand_ProviderWithoutSpansOfItsOwn_TheCallSeesTheCallersCurrentBeforeAndAfter()
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

        connection.Command("SELECT current_span()").ExecuteScalar();
        var afterScalar = Activity.Current;
        Assert.ThrowsAny<SqliteException>(() => connection.Command("SELECT current_span() FROM missing_table").ExecuteScalar());
        var afterFailure = Activity.Current;

        Assert.Same(caller, afterScalar);
        Assert.Same(caller, afterFailure);
        Assert.Equal([caller?.SpanId.ToHexString()], seen);
        Assert.Equal(2, _recorder.Spans.Count);
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
