using System.Data;
using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Reliability.Support;
using Autofac;
using Npgsql;
using Xunit.Abstractions;

namespace AopSqlTracing.Reliability.Faults;

/// <summary>
/// PostgreSQL kills the backend under a running statement (<c>pg_terminate_backend</c> from a second connection):
/// the traced caller gets the same exception as an untraced one, the connection ends in the same state, and the
/// statement's span is finished as failed with the server's SQLSTATE.
/// </summary>
public sealed class BackendKillFixture(ITestOutputHelper output) : IDisposable
{
    private const string Terminated = "57P01";
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [SkippableTheory]
    [InlineData("ExecuteScalar")]
    [InlineData("ExecuteScalarAsync")]
    [InlineData("Read")]
    [InlineData("ReadAsync")]
    public async Task BackendTerminatedMidQuery_SameExceptionAsUntraced(string call)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresServer.Require()) { ApplicationName = "aopsql-reliability-kill" }.ToString();
        var untraced = await KillDuring(new NpgsqlConnection(connectionString), call);
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new NpgsqlConnection(connectionString)).InstancePerLifetimeScope();
        await using var container = builder.Build();
        await using var scope = container.BeginLifetimeScope();

        var traced = await KillDuring(scope.Resolve<DbConnection>(), call);

        var span = _recorder.Spans.Count > 0 ? _recorder.Spans[^1] : null;
        output.Print($"backend terminated during {call}: untraced [{string.Join(" | ", untraced)}], traced equal: {untraced.SequenceEqual(traced)}; "
            + $"span {span?.DisplayName} status {span?.Status}, db.response.status_code {span?.GetTagItem("db.response.status_code")}, "
            + $"{_recorder.Unfinished.Count} left open");
        Assert.Equal(untraced, traced);
        Assert.Contains(untraced, outcome => outcome.Contains(Terminated, StringComparison.Ordinal));
        Assert.NotNull(span);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(Terminated, span.GetTagItem("db.response.status_code"));
        Assert.Empty(_recorder.Unfinished);
    }

    // Runs a long statement, kills its backend from another connection once it is running, and records what the
    // call threw, what disposing the reader did, and the connection's state afterwards.
    private static async Task<List<string>> KillDuring(DbConnection connection, string call)
    {
        await using (connection)
        {
            await connection.OpenAsync();
            await using var pidCommand = connection.CreateCommand();
            pidCommand.CommandText = "SELECT pg_backend_pid()";
            var pid = (int)(await pidCommand.ExecuteScalarAsync())!;
            await using var command = connection.CreateCommand();
            var outcomes = new List<string>();
            Task<string> running;
            switch (call)
            {
                case "ExecuteScalar":
                    command.CommandText = "SELECT pg_sleep(30)";
                    running = Task.Run(() => Outcomes.Of(() => command.ExecuteScalar()));
                    break;
                case "ExecuteScalarAsync":
                    command.CommandText = "SELECT pg_sleep(30)";
                    running = Outcomes.OfAsync(() => command.ExecuteScalarAsync());
                    break;
                default:
                    // The server buffers rows; the notice sent before each row's sleep flushes the row before it, so the
                    // first row reaches the reader at once and the second takes 30 s.
                    command.CommandText = "CREATE FUNCTION pg_temp.nap(g int) RETURNS int AS $$ BEGIN RAISE NOTICE 'row %', g; "
                        + "PERFORM pg_sleep(CASE WHEN g = 1 THEN 0 ELSE 30 END); RETURN g; END $$ LANGUAGE plpgsql";
                    await command.ExecuteNonQueryAsync();
                    command.CommandText = "SELECT pg_temp.nap(g) FROM generate_series(1, 2) g";
                    var reader = await command.ExecuteReaderAsync();
                    outcomes.Add(Outcomes.Of(() => reader.Read()));
                    running = call == "Read"
                        ? Task.Run(() => Outcomes.Of(() => reader.Read()))
                        : Outcomes.OfAsync(async () => await reader.ReadAsync());
                    await WhenSleeping(pid);
                    await Terminate(pid);
                    outcomes.Add(await running.WaitAsync(TimeSpan.FromSeconds(20)));
                    outcomes.Add(await Outcomes.OfAsync(async () =>
                    {
                        await reader.DisposeAsync();
                        return "disposed";
                    }));
                    outcomes.Add($"state {connection.State}");
                    return outcomes;
            }

            await WhenSleeping(pid);
            await Terminate(pid);
            outcomes.Add(await running.WaitAsync(TimeSpan.FromSeconds(20)));
            outcomes.Add($"state {connection.State}");
            return outcomes;
        }
    }

    private static async Task WhenSleeping(int pid)
    {
        await using var observer = new NpgsqlConnection(PostgresServer.ConnectionString);
        await observer.OpenAsync();
        await using var command = observer.CreateCommand();
        command.CommandText = "SELECT coalesce(wait_event, state) FROM pg_stat_activity WHERE pid = @pid";
        command.Parameters.AddWithValue("pid", pid);
        var deadline = Stopwatch.StartNew();
        object? seen = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            seen = await command.ExecuteScalarAsync();
            if (seen is "PgSleep")
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"backend {pid} never started sleeping; last seen: {seen}");
    }

    private static async Task Terminate(int pid)
    {
        await using var killer = new NpgsqlConnection(PostgresServer.ConnectionString);
        await killer.OpenAsync();
        await using var command = killer.CreateCommand();
        command.CommandText = "SELECT pg_terminate_backend(@pid)";
        command.Parameters.AddWithValue("pid", pid);
        Assert.Equal(true, await command.ExecuteScalarAsync());
    }
}
