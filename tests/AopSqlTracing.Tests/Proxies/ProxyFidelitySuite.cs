using System.Data;
using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;
using Dapper;

namespace AopSqlTracing.Tests.Proxies;

/// <summary>
/// A traced object judged against the raw one side by side: the same events and senders, the same interfaces,
/// getters that hand back what the user holds, executions that follow the connection they run on, and a span that
/// records every failure the caller sees.
/// </summary>
public abstract class ProxyFidelitySuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableFact]
    public void Disposed_SubscribedOnConnectionAndCommand_FireWithTheProxyAsSender()
    {
        var connection = Container().Resolve<DbConnection>();
        var command = connection.CreateCommand();
        var senders = new List<object?>();
        connection.Disposed += (sender, _) => senders.Add(sender);
        command.Disposed += (sender, _) => senders.Add(sender);

        command.Dispose();
        connection.Dispose();

        Assert.Equal([command, connection], senders);
    }

    [SkippableFact]
    public async Task Disposed_DisposeAsync_FiresOnce()
    {
        var connection = Container().Resolve<DbConnection>();
        var fired = 0;
        connection.Disposed += (_, _) => fired++;

        await connection.DisposeAsync();

        Assert.Equal(1, fired);
    }

    // The states are the provider's own (MySqlConnector passes through Connecting), as through a raw connection.
    [SkippableFact]
    public void StateChange_SenderIsTheConnectionTheSubscriberHolds_AndUnsubscribeWorks()
    {
        var connection = Container().Resolve<DbConnection>();
        using var raw = Provider.CreateConnection();
        var seen = new List<(object? Sender, ConnectionState State)>();
        var seenRaw = new List<(object? Sender, ConnectionState State)>();
        void OnChange(object sender, StateChangeEventArgs args) => seen.Add((sender, args.CurrentState));
        void OnRawChange(object sender, StateChangeEventArgs args) => seenRaw.Add((sender, args.CurrentState));
        connection.StateChange += OnChange;
        raw.StateChange += OnRawChange;

        connection.Open();
        raw.Open();
        connection.StateChange -= OnChange;
        raw.StateChange -= OnRawChange;
        connection.Close();
        raw.Close();

        Assert.Equal(seenRaw.Select(change => change.State), seen.Select(change => change.State));
        Assert.Equal(ConnectionState.Open, seen[^1].State);
        Assert.All(seen, change => Assert.Same(connection, change.Sender));
    }

    [SkippableFact]
    public void Interfaces_OfTheProvidersObjects_AreImplementedByTheProxies()
    {
        using var traced = Open();
        using var raw = OpenRaw();
        using var tracedCommand = traced.CreateCommand();
        using var rawCommand = raw.CreateCommand();

        Assert.Empty(PublicInterfaces(raw).Except(PublicInterfaces(traced)));
        Assert.Empty(PublicInterfaces(rawCommand).Except(PublicInterfaces(tracedCommand)));
    }

    [SkippableFact]
    public void Clone_WhereTheProviderClones_GivesATracedObjectOfTheSameDatabase()
    {
        using var connection = Open(o => o.QueryText = QueryTextMode.None);
        Skip.IfNot(connection.Unwrap() is ICloneable, $"{Provider.SystemName}'s connection is not ICloneable.");
        using var command = connection.Command("SELECT 1");

        using var clonedCommand = (DbCommand)((ICloneable)command).Clone();
        using var clonedConnection = (DbConnection)((ICloneable)connection).Clone();
        clonedCommand.ExecuteScalar();
        clonedConnection.Open();
        clonedConnection.Execute("SELECT 2");

        Assert.NotSame(command.Unwrap(), clonedCommand.Unwrap());
        Assert.Equal(2, Recorder.Spans.Count);
        Assert.All(Recorder.Spans, span => Assert.Null(span.GetTagItem("db.query.text")));
    }

    [SkippableFact]
    public void TransactionGetter_ProviderAssignedTheOpenTransaction_ReturnsTheTracedOneAndItsCommitEndsTheMark()
    {
        var connection = Open(o => o.TraceAllCommands = false);
        using var parent = Recorder.StartParent();
        using var transaction = connection.BeginTransaction();
        connection.SetParentSpan(parent);
        using var command = connection.CreateCommand();
        command.Transaction ??= transaction;

        Assert.Same(transaction, command.Transaction);
        command.CommandText = "SELECT 1";
        command.ExecuteScalar();
        command.Transaction!.Commit();

        Assert.False(connection.GetTraced());
        Assert.Equal(parent.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public void CommandMovedToAnotherConnection_FollowsThatConnectionsOptionsAndReaders()
    {
        var textless = Open(o => o.QueryText = QueryTextMode.None);
        var withText = Open();
        using var command = withText.Command("SELECT 1 AS moved");
        command.Connection = textless;

        var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        withText.Close();
        Assert.Empty(Recorder.Spans);
        textless.Close();

        var span = Assert.Single(Recorder.Spans);
        Assert.Null(span.GetTagItem("db.query.text"));
    }

    [SkippableFact]
    public void CommandMovedToAnUntracedConnection_RunsUntraced()
    {
        var traced = Open();
        using var raw = OpenRaw();
        using var command = traced.Command("SELECT 1");

        command.Connection = raw;
        command.ExecuteScalar();

        Assert.Empty(Recorder.StartedSpans);
    }

    [SkippableFact]
    public void SecondResultSetFails_NextResult_FailsTheSpanOnce()
    {
        using var connection = Open();
        using var reader = connection.Command($"SELECT 1; {Provider.FailingSelect}").ExecuteReader();
        while (reader.Read())
        {
        }

        var thrown = Assert.ThrowsAny<DbException>(() =>
        {
            while (reader.NextResult())
            {
                while (reader.Read())
                {
                }
            }
        });

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(thrown.GetType().FullName, span.GetTagItem("error.type"));
        Assert.Single(span.Events, e => e.Name == "exception");
    }

    [SkippableFact]
    public async Task SecondResultSetFails_NextResultAsync_FailsTheSpan()
    {
        await using var connection = Open();
        await using var reader = await connection.Command($"SELECT 1; {Provider.FailingSelect}").ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
        }

        await Assert.ThrowsAnyAsync<DbException>(async () =>
        {
            while (await reader.NextResultAsync())
            {
                while (await reader.ReadAsync())
                {
                }
            }
        });

        Assert.Equal(ActivityStatusCode.Error, Assert.Single(Recorder.Spans).Status);
    }

    [SkippableFact]
    public void DapperQueryMultiple_SecondQueryFails_SpanIsAnError()
    {
        using var connection = Open();

        Assert.ThrowsAny<DbException>(() =>
        {
            using var grid = connection.QueryMultiple($"SELECT 1; {Provider.FailingSelect}");
            Assert.Single(grid.Read<long>());
            Assert.Empty(grid.Read<long>());
        });

        Assert.Equal(ActivityStatusCode.Error, Assert.Single(Recorder.Spans).Status);
    }

    [SkippableFact]
    public void BatchSecondCommandFails_SpanIsAnError()
    {
        using var connection = Open();
        Skip.IfNot(connection.CanCreateBatch, $"{Provider.SystemName} has no batches.");
        using var batch = connection.CreateBatch();
        batch.BatchCommands.Add(Batch(batch, "SELECT 1"));
        batch.BatchCommands.Add(Batch(batch, Provider.FailingSelect));

        Assert.ThrowsAny<DbException>(() =>
        {
            using var reader = batch.ExecuteReader();
            while (reader.NextResult())
            {
            }
        });

        Assert.Equal(ActivityStatusCode.Error, Assert.Single(Recorder.Spans).Status);

        static DbBatchCommand Batch(DbBatch batch, string sql)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = sql;
            return command;
        }
    }

    private static IEnumerable<Type> PublicInterfaces(object value) => value.GetType().GetInterfaces().Where(type => type.IsVisible);
}

public sealed class SqliteProxyFidelity : ProxyFidelitySuite<SqliteProvider>;

public sealed class PostgresProxyFidelity : ProxyFidelitySuite<PostgresProvider>;

public sealed class MariaDbProxyFidelity : ProxyFidelitySuite<MariaDbProvider>;
