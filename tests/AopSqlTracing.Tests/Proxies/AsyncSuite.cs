using System.Data;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Proxies;

/// <summary>Asynchronous ADO.NET: spans end when the task completes, and the caller sees what untraced code sees.</summary>
public abstract class AsyncSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableFact]
    public async Task ExecuteNonQueryAsync_SpanEndsWithTheTask_AndActivityCurrentIsUnchanged()
    {
        await using var connection = Container().Resolve<System.Data.Common.DbConnection>();
        await connection.OpenAsync();
        CreateUsers(connection);
        using var parent = Recorder.StartParent();
        connection.SetParentSpan(parent);
        var before = Activity.Current;

        await using var command = connection.Command("UPDATE users SET name = UPPER(name) WHERE id > 1");
        var updated = await command.ExecuteNonQueryAsync(CancellationToken.None);

        Assert.Equal(2, updated);
        Assert.Same(before, Activity.Current);
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("UPDATE users", span.DisplayName);
        Assert.Equal(parent.SpanId, span.ParentSpanId);
        Assert.Equal(Provider.SystemName, span.GetTagItem("db.system.name"));
    }

    [SkippableFact]
    public async Task ExecuteScalarAsync_ReturnsTheProvidersResult()
    {
        await using var connection = Open();
        CreateUsers(connection);

        await using var command = connection.Command("SELECT COUNT(*) FROM users");
        var count = Convert.ToInt64(await command.ExecuteScalarAsync());

        Assert.Equal(3, count);
        Assert.Equal("SELECT users", Assert.Single(Recorder.Spans).DisplayName);
    }

    [SkippableFact]
    public async Task ExecuteReaderAsync_SpanCoversTheRowsUntilDisposeAsync()
    {
        await using var connection = Open();
        CreateUsers(connection);

        var names = new List<string>();
        await using (var command = connection.Command("SELECT name FROM users ORDER BY id"))
        await using (var reader = await command.ExecuteReaderAsync(CommandBehavior.Default, CancellationToken.None))
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }

            Assert.Empty(Recorder.Spans);
        }

        Assert.Equal(["Ada", "Grace", "Barbara"], names);
        Assert.Equal(3L, Assert.Single(Recorder.Spans).GetTagItem("db.response.returned_rows"));
    }

    [SkippableFact]
    public async Task FailingAsyncCommand_IsAnErrorSpan_AndTheSameExceptionReachesTheCaller()
    {
        await using var connection = Open();
        CreateUsers(connection);

        await using var command = connection.Command("INSERT INTO users (name) VALUES ('Ada')");
        var error = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => command.ExecuteNonQueryAsync());

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(error.GetType().FullName, span.GetTagItem("error.type"));
        Assert.NotNull(span.GetTagItem("db.response.status_code"));
    }

    [SkippableFact]
    public async Task CancelledBeforeStart_CallerSeesWhatUntracedCodeSees()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await using var raw = OpenRaw();
        await using var rawCommand = raw.Command("SELECT 1");
        var untraced = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rawCommand.ExecuteScalarAsync(cancelled.Token));
        await using var connection = Open();

        await using var command = connection.Command("SELECT 1");
        var traced = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => command.ExecuteScalarAsync(cancelled.Token));

        Assert.Equal(untraced.GetType(), traced.GetType());
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(traced.GetType().FullName, span.GetTagItem("error.type"));
    }

    [SkippableFact]
    public async Task AsyncCommit_EndsTheConnectionMark()
    {
        await using var connection = Open(o => o.TraceAllCommands = false);
        CreateUsers(connection);

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            connection.SetTraced();
            await connection.Command("DELETE FROM users WHERE id = 1", transaction).ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        Assert.False(connection.GetTraced());
        await connection.Command("DELETE FROM users WHERE id = 2").ExecuteNonQueryAsync();
        Assert.Equal(["DELETE users"], Recorder.Spans.Select(s => s.DisplayName));
    }

    [SkippableFact]
    public async Task AsyncRollback_EndsTheConnectionMark_SavepointsDoNot()
    {
        await using var connection = Open(o => o.TraceAllCommands = false);
        CreateUsers(connection);
        using var parent = Recorder.StartParent();

        await using (var transaction = await connection.BeginTransactionAsync(IsolationLevel.Serializable))
        {
            connection.SetParentSpan(parent);
            await transaction.SaveAsync("before_delete");
            await connection.Command("DELETE FROM users", transaction).ExecuteNonQueryAsync();
            await transaction.RollbackAsync("before_delete");
            await transaction.SaveAsync("again");
            await transaction.ReleaseAsync("again");
            Assert.True(connection.HasParentSpan());
            await connection.Command("SELECT COUNT(*) FROM users", transaction).ExecuteScalarAsync();
            await transaction.RollbackAsync();
        }

        Assert.False(connection.GetTraced());
        Assert.Equal(["DELETE users", "SELECT users"], Recorder.Spans.Select(s => s.DisplayName));
        Assert.All(Recorder.Spans, span => Assert.Equal(parent.SpanId, span.ParentSpanId));
    }
}

public sealed class SqliteAsync : AsyncSuite<SqliteProvider>;

public sealed class PostgresAsync : AsyncSuite<PostgresProvider>;

public sealed class MariaDbAsync : AsyncSuite<MariaDbProvider>;
