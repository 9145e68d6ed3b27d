using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Dapper;
using Npgsql;

namespace AopSqlTracing.Tests.Proxies;

/// <summary>What only PostgreSQL has: SQLSTATEs, server-side cancellation, batches, arrays, a networked endpoint.</summary>
public sealed class PostgresOnlyFixture : ProviderFixture<PostgresProvider>
{
    [SkippableFact]
    public void Errors_CarryTheirSqlState()
    {
        using var connection = Open();
        CreateUsers(connection);

        var duplicate = Assert.Throws<PostgresException>(() => connection.Execute("INSERT INTO users (name) VALUES ('Ada')"));
        var syntax = Assert.Throws<PostgresException>(() => connection.Execute("SELEC 1"));

        Assert.Equal(["23505", "42601"], [duplicate.SqlState, syntax.SqlState]);
        Assert.Equal(["23505", "42601"], Recorder.Spans.Select(s => s.GetTagItem("db.response.status_code")));
        Assert.All(Recorder.Spans, s => Assert.Equal(ActivityStatusCode.Error, s.Status));
    }

    [SkippableFact]
    public async Task CancelledLongQuery_CallerSeesCancellation_SpanRecordsIt()
    {
        await using var connection = Open();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await using var command = connection.Command("SELECT pg_sleep(30)");
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => command.ExecuteNonQueryAsync(cancel.Token));

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(error.GetType().FullName, span.GetTagItem("error.type"));
        Assert.Equal("57014", span.GetTagItem("db.response.status_code"));
        Assert.True(span.Duration < TimeSpan.FromSeconds(10));
    }

    [SkippableFact]
    public void Spans_CarryTheServerEndpointAndDatabase()
    {
        using var connection = Open();
        var builder = new NpgsqlConnectionStringBuilder(PostgresProvider.ConnectionString);

        connection.Execute("SELECT 1");

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("postgresql", span.GetTagItem("db.system.name"));
        Assert.Equal(builder.Host, span.GetTagItem("server.address"));
        Assert.Equal(builder.Port, span.GetTagItem("server.port"));
        Assert.Equal(builder.Database, span.GetTagItem("db.namespace"));
    }

    [SkippableFact]
    public async Task Batch_OfOneKind_IsOneSpanNamedForIt()
    {
        await using var connection = Open();
        CreateUsers(connection);

        await using var batch = connection.CreateBatch();
        foreach (var name in new[] { "Edsger", "Donald", "Niklaus" })
        {
            var insert = batch.CreateBatchCommand();
            insert.CommandText = "INSERT INTO users (name) VALUES ($1)";
            insert.Parameters.Add(new NpgsqlParameter { Value = name });
            batch.BatchCommands.Add(insert);
        }

        var inserted = await batch.ExecuteNonQueryAsync();

        Assert.Equal(3, inserted);
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("BATCH INSERT users", span.DisplayName);
        Assert.Equal(3, span.GetTagItem("db.operation.batch.size"));
        Assert.Equal("BATCH INSERT", span.GetTagItem("db.operation.name"));
    }

    [SkippableFact]
    public void Batch_OfMixedKinds_IsNamedBatch_AndRunsInTheTransaction()
    {
        using var connection = Open();
        CreateUsers(connection);
        using var transaction = connection.BeginTransaction();

        using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        batch.BatchCommands.Add(Command(batch, "DELETE FROM users WHERE name = 'Ada'"));
        batch.BatchCommands.Add(Command(batch, "SELECT COUNT(*) FROM users"));
        var count = batch.ExecuteScalar();
        transaction.Rollback();

        Assert.Equal(2L, count);
        Assert.Equal(3L, connection.Unwrap().Command("SELECT COUNT(*) FROM users").ExecuteScalar());
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("BATCH", span.DisplayName);
        Assert.Equal(2, span.GetTagItem("db.operation.batch.size"));
        Assert.Same(transaction, batch.Transaction);
    }

    // Dapper sends a list as a PostgreSQL array only when command.Connection is an NpgsqlConnection.
    [SkippableFact]
    public void DapperArrayParameter_IsSentAsAnArray_AsThroughARawConnection()
    {
        using var raw = OpenRaw();
        using var connection = Open();
        CreateUsers(raw);
        CreateUsers(connection);
        const string sql = "SELECT name FROM users WHERE id = ANY(@ids) ORDER BY id";
        var ids = new[] { 1, 3 };

        var expected = raw.Query<string>(sql, new { ids }).ToList();
        var actual = connection.Query<string>(sql, new { ids }).ToList();

        Assert.Equal(["Ada", "Barbara"], expected);
        Assert.Equal(expected, actual);
        Assert.Equal(sql, Assert.Single(Recorder.Spans).GetTagItem("db.query.text"));
    }

    [SkippableFact]
    public void ProvidersOwnCommand_WorksWithUnwrappedConnectionAndTransaction()
    {
        using var connection = Open();
        CreateUsers(connection);
        using var transaction = connection.BeginTransaction();

        using var command = new NpgsqlCommand("SELECT COUNT(*) FROM users", (NpgsqlConnection)connection.Unwrap());
        command.Transaction = (NpgsqlTransaction)transaction.Unwrap();
        var count = command.ExecuteScalar();

        Assert.Equal(3L, count);
        Assert.Throws<InvalidCastException>(() => ((DbCommand)command).Transaction = transaction);
        Assert.Empty(Recorder.Spans);
    }

    // Npgsql's own span of a command (its ActivitySource "Npgsql", listened to beside ours) is a child of ours; its
    // span of opening the connection, which we do not trace, stays under the caller's.
    [SkippableFact]
    public async Task ProviderSpans_NpgsqlsCommandSpans_AreChildrenOfOurs()
    {
        using var theirs = new ProviderSpanRecorder("Npgsql", Recorder.Root.TraceId, activity => !activity.OperationName.StartsWith("CONNECT", StringComparison.Ordinal));
        await using var connection = Open();
        var caller = Activity.Current;

        connection.Execute("SELECT 1");
        await connection.Command("SELECT 2").ExecuteScalarAsync();
        await using (var reader = await connection.Command("SELECT 3").ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
            }
        }

        Assert.Same(caller, Activity.Current);
        var ours = Recorder.Spans;
        Assert.Equal(3, ours.Count);
        Assert.Equal(ours.Select(span => span.SpanId), theirs.Spans.Select(span => span.ParentSpanId));
    }

    private static DbBatchCommand Command(DbBatch batch, string sql)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = sql;
        return command;
    }
}
