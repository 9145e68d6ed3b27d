using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using AopSqlTracing.Reliability.Support;
using Autofac;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace AopSqlTracing.Reliability.Faults;

/// <summary>
/// The database side fails or the application leaves things half done: a server that is not there, a transaction
/// disposed unfinished, a reader dropped without dispose. Every call throws or returns what it does untraced, and
/// every span is finished at the moment the provider's work ends.
/// </summary>
public sealed class ConnectionFaultsFixture(ITestOutputHelper output) : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public async Task ClosedPort_OpenAndExecute_SameExceptionsAsUntraced()
    {
        var connectionString = $"Host=127.0.0.1;Port={ClosedPort()};Timeout=5;Pooling=false;Database=none";
        var untraced = await OpenAndExecute(new NpgsqlConnection(connectionString));
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new NpgsqlConnection(connectionString)).InstancePerLifetimeScope();
        using var container = builder.Build();
        await using var scope = container.BeginLifetimeScope();

        var traced = await OpenAndExecute(scope.Resolve<DbConnection>());

        output.Print($"connection string to a closed port: untraced [{string.Join(" | ", untraced)}]");
        output.Print($"  traced equal: {untraced.SequenceEqual(traced)}; {_recorder.Spans.Count} spans finished, all failed: "
            + $"{_recorder.Spans.All(span => span.Status == ActivityStatusCode.Error)}, {_recorder.Unfinished.Count} left open");
        Assert.Equal(untraced, traced);
        Assert.All(untraced.Take(4), outcome => Assert.True(Outcomes.IsError(outcome), outcome));
        Assert.Equal(2, _recorder.Spans.Count);
        Assert.All(_recorder.Spans, span => Assert.Equal(ActivityStatusCode.Error, span.Status));
        Assert.Empty(_recorder.Unfinished);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TransactionDisposedWithoutCommit_RolledBackAndMarkEnded(bool async)
    {
        await using var raw = new SqliteConnection(Runs.InMemory);
        raw.Open();
        var untraced = await DisposeUnfinished(raw, async);
        using var container = Runs.Container(o => o.TraceAllCommands = false);
        await using var scope = container.BeginLifetimeScope();
        var connection = scope.Resolve<DbConnection>();
        connection.Open();
        var parent = _recorder.StartParent();
        connection.SetParentSpan(parent);

        var traced = await DisposeUnfinished(connection, async);

        output.Print($"transaction disposed without commit ({(async ? "DisposeAsync" : "Dispose")}): untraced [{string.Join(" | ", untraced)}], "
            + $"traced equal: {untraced.SequenceEqual(traced)}; connection still marked: {connection.GetTraced()}; "
            + $"{_recorder.Spans.Count} spans (the statements before the dispose)");
        Assert.Equal(untraced, traced);
        Assert.Equal("Int64 0", untraced[^1]);
        Assert.False(connection.GetTraced());
        Assert.Equal(2, _recorder.Spans.Count);
        Assert.All(_recorder.Spans, span => Assert.Equal(parent.SpanId, span.ParentSpanId));
    }

    [Fact]
    public void ReaderDroppedWithoutDispose_Sqlite_SpanFinishedWhenConnectionCloses()
    {
        using var raw = new SqliteConnection(Runs.InMemory);
        var untraced = DropReaderThenClose(raw, "SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3");
        using var container = Runs.Container();
        using var scope = container.BeginLifetimeScope();

        var traced = DropReaderThenClose(scope.Resolve<DbConnection>(), "SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3");

        AssertDroppedReader("SQLite", untraced, traced);
    }

    [SkippableFact]
    public void ReaderDroppedWithoutDispose_Postgres_SpanFinishedWhenConnectionCloses()
    {
        var connectionString = PostgresServer.Require();
        using var raw = new NpgsqlConnection(connectionString);
        var untraced = DropReaderThenClose(raw, "SELECT g FROM generate_series(1, 3) g");
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new NpgsqlConnection(connectionString)).InstancePerLifetimeScope();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();

        var traced = DropReaderThenClose(scope.Resolve<DbConnection>(), "SELECT g FROM generate_series(1, 3) g");

        AssertDroppedReader("PostgreSQL", untraced, traced);
    }

    private void AssertDroppedReader(string engine, DroppedReader untraced, DroppedReader traced)
    {
        output.Print($"{engine} reader dropped after 2 of 3 rows, connection closed: untraced [{string.Join(" | ", untraced.Outcomes)}], "
            + $"traced equal: {untraced.Outcomes.SequenceEqual(traced.Outcomes)}; reader span open after GC and before Close: {traced.OpenBeforeClose}, "
            + $"finished by Close: {traced.FinishedByClose}, rows recorded {traced.Rows}");
        Assert.Equal(untraced.Outcomes, traced.Outcomes);
        Assert.True(traced.OpenBeforeClose, "the reader's span was not open until the connection closed");
        Assert.True(traced.FinishedByClose, "closing the connection did not finish the reader's span");
        Assert.Equal(2L, traced.Rows);
        Assert.Empty(_recorder.Unfinished);
    }

    // Opens, starts a reader, reads two rows and drops it (collected), then closes the connection and reuses it.
    private DroppedReader DropReaderThenClose(DbConnection connection, string sql)
    {
        connection.Open();
        var outcomes = new List<string> { ReadTwoAndDrop(connection, sql) };
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var readerSpan = _recorder.Started.SingleOrDefault();
        var openBeforeClose = readerSpan is { IsStopped: false };
        outcomes.Add(Outcomes.Of(() =>
        {
            connection.Close();
            return connection.State;
        }));
        var finishedByClose = readerSpan is { IsStopped: true };
        outcomes.Add(Outcomes.Of(() =>
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT 7";
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }));
        connection.Dispose();
        return new DroppedReader(outcomes, openBeforeClose, finishedByClose, readerSpan?.GetTagItem("db.response.returned_rows"));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string ReadTwoAndDrop(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var reader = command.ExecuteReader();
        reader.Read();
        reader.Read();
        return $"read {reader.GetValue(0)}";
    }

    private static async Task<List<string>> DisposeUnfinished(DbConnection connection, bool async)
    {
        var outcomes = new List<string>();
        outcomes.Add(Outcomes.Of(() => Execute(connection, null, "CREATE TABLE t (x INTEGER)")));
        var transaction = async ? await connection.BeginTransactionAsync() : connection.BeginTransaction();
        outcomes.Add(Outcomes.Of(() => Execute(connection, transaction, "INSERT INTO t VALUES (1), (2)")));
        if (async)
        {
            await transaction.DisposeAsync();
        }
        else
        {
            transaction.Dispose();
        }

        outcomes.Add(Outcomes.Of(() =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM t";
            return command.ExecuteScalar();
        }));
        return outcomes;
    }

    private static int Execute(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    private static async Task<List<string>> OpenAndExecute(DbConnection connection)
    {
        await using (connection)
        {
            var outcomes = new List<string>
            {
                Outcomes.Of(() =>
                {
                    connection.Open();
                    return connection.State;
                }),
                await Outcomes.OfAsync(async () =>
                {
                    await connection.OpenAsync();
                    return connection.State;
                }),
                Outcomes.Of(() =>
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = "SELECT 1";
                    return command.ExecuteScalar();
                }),
                await Outcomes.OfAsync(async () =>
                {
                    await using var command = connection.CreateCommand();
                    command.CommandText = "SELECT 1";
                    return await command.ExecuteScalarAsync();
                }),
                $"state {connection.State}",
            };
            return outcomes;
        }
    }

    // A port nothing listens on: bound by us a moment ago, then released.
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed record DroppedReader(List<string> Outcomes, bool OpenBeforeClose, bool FinishedByClose, object? Rows);
}
