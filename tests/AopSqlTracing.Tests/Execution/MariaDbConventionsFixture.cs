using System.Data;
using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;
using Dapper;
using MySqlConnector;

namespace AopSqlTracing.Tests.Execution;

/// <summary>
/// The conventions on MariaDB: <c>db.system.name</c> told from the server (MySqlConnector speaks to MySQL and MariaDB
/// alike), sqlcommenter seen by the server, stored procedures, and MySqlConnector's own spans under ours.
/// </summary>
public sealed class MariaDbConventionsFixture : ProviderFixture<MariaDbProvider>
{
    private const string OwnQuery = "SELECT INFO FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()";

    [SkippableFact]
    public void PropagateContext_TheServerSeesTheSpansTraceparent_AndTheCommandIsRestored()
    {
        using var connection = Open(o => o.PropagateContext = true);
        using var command = connection.Command(OwnQuery);

        var seenByServer = (string)command.ExecuteScalar()!;

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal($"{OwnQuery} /*traceparent='00-{span.TraceId}-{span.SpanId}-01'*/", seenByServer);
        Assert.Equal(OwnQuery, command.CommandText);
        Assert.Equal(OwnQuery, span.GetTagItem("db.query.text"));
    }

    // A statement that ends with a comment (here a # comment, which would swallow anything appended) is sent as written.
    [SkippableFact]
    public void PropagateContext_StatementEndingWithAComment_IsLeftAlone()
    {
        using var connection = Open(o => o.PropagateContext = true);

        var seenByServer = (string)connection.Command(OwnQuery + " # mine").ExecuteScalar()!;

        Assert.Equal(OwnQuery + " # mine", seenByServer);
    }

    [SkippableFact]
    public void StoredProcedure_IsNamedAndTaggedByTheProcedure()
    {
        var procedure = "aop_touch_" + Guid.NewGuid().ToString("N")[..12];
        using var connection = Open();
        connection.Unwrap().Command($"CREATE PROCEDURE {procedure}() SELECT 1").ExecuteNonQuery();
        try
        {
            using var call = connection.Command(procedure);
            call.CommandType = CommandType.StoredProcedure;
            call.ExecuteNonQuery();
        }
        finally
        {
            connection.Unwrap().Command($"DROP PROCEDURE {procedure}").ExecuteNonQuery();
        }

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("CALL " + procedure, span.DisplayName);
        Assert.Equal("CALL " + procedure, span.GetTagItem("db.query.summary"));
        Assert.Equal("CALL", span.GetTagItem("db.operation.name"));
        Assert.Equal(procedure, span.GetTagItem("db.stored_procedure.name"));
        Assert.Null(span.GetTagItem("db.query.text"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    // Only an open connection tells MariaDB from MySQL. A data source's own command opens its connection out of our
    // sight: until a connection to that server has been opened through the library, its span says mysql (the
    // provider's protocol); once one has (here one that runs nothing), mariadb. Server=localhost: no other test of
    // this process uses that endpoint.
    [SkippableFact]
    public void DataSourceCommand_BeforeAnyConnectionToTheServerOpened_SaysMySql_ThenMariaDb()
    {
        RequireProvider();
        var connectionString = new MySqlConnectionStringBuilder(MariaDbProvider.ConnectionString!) { Server = "localhost" }.ConnectionString;
        var builder = new ContainerBuilder();
        builder.RegisterTracedDataSource(_ => new MySqlDataSource(connectionString)).SingleInstance();
        builder.RegisterTracedDatabase(_ => new MySqlConnection(connectionString)).InstancePerLifetimeScope();
        var container = builder.Build();
        Track(container);
        var dataSource = container.Resolve<DbDataSource>();

        using (var before = dataSource.CreateCommand("SELECT 1 AS before_open"))
        {
            before.ExecuteScalar();
        }

        using (var scope = container.BeginLifetimeScope())
        {
            scope.Resolve<DbConnection>().Open();
        }

        using (var after = dataSource.CreateCommand("SELECT 2 AS after_open"))
        {
            after.ExecuteScalar();
        }

        Assert.Equal(["mysql", "mariadb"], Recorder.Spans.Select(span => span.GetTagItem("db.system.name")));
        Assert.All(Recorder.Spans, span => Assert.Equal("localhost", span.GetTagItem("server.address")));
    }

    // Listened to beside ours, MySqlConnector's span of each command is a child of ours (never a sibling under the
    // caller's span), whatever the shape; the caller's Activity.Current is the same before and after each call.
    [SkippableFact]
    public async Task ProviderSpans_EachCommandsIsAChildOfOurs_AndActivityCurrentIsUnchanged()
    {
        using var theirs = new ProviderSpanRecorder("MySqlConnector", Recorder.Root.TraceId);
        await using var connection = Open();
        CreateUsers(connection);
        theirs.Clear();
        var caller = Activity.Current;
        var currents = new List<Activity?>();

        connection.Execute("UPDATE users SET name = name");
        currents.Add(Activity.Current);
        connection.Command("SELECT COUNT(*) FROM users").ExecuteScalar();
        currents.Add(Activity.Current);
        using (var reader = connection.Command("SELECT name FROM users").ExecuteReader())
        {
            currents.Add(Activity.Current);
            while (reader.Read())
            {
            }
        }

        currents.Add(Activity.Current);
        await connection.Command("UPDATE users SET name = name").ExecuteNonQueryAsync();
        currents.Add(Activity.Current);
        await connection.Command("SELECT COUNT(*) FROM users").ExecuteScalarAsync();
        currents.Add(Activity.Current);
        await using (var reader = await connection.Command("SELECT name FROM users").ExecuteReaderAsync())
        {
            currents.Add(Activity.Current);
            while (await reader.ReadAsync())
            {
            }
        }

        currents.Add(Activity.Current);
        Assert.ThrowsAny<DbException>(() => connection.Execute("SELECT * FROM missing_table"));
        currents.Add(Activity.Current);
        Assert.Equal(3, connection.Query<string>("SELECT name FROM users WHERE id IN @ids", new { ids = new[] { 1, 2, 3 } }).Count());
        currents.Add(Activity.Current);
        await using (var batch = connection.CreateBatch())
        {
            foreach (var sql in new[] { "SELECT 1", "SELECT 2" })
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = sql;
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync();
        }

        currents.Add(Activity.Current);

        Assert.All(currents, current => Assert.Same(caller, current));
        var ours = Recorder.Spans;
        var providers = theirs.Spans;
        Assert.Equal(9, ours.Count);
        Assert.Equal(ours.Count, providers.Count);
        Assert.All(ours, span => Assert.Single(providers, provider => provider.ParentSpanId == span.SpanId));
        Assert.Equal(ActivityStatusCode.Error, Assert.Single(providers, provider => provider.Status == ActivityStatusCode.Error).Status);
    }

    // A reader's span of MySqlConnector's ends when the reader closes, after the call: its end (which puts back the
    // activity that was current when it started, ours) leaves the caller's Activity.Current alone, whether the reader
    // is closed or dropped and closed with its connection.
    [SkippableFact]
    public async Task ProviderSpans_OfReaders_TheirEndLeavesActivityCurrentAlone()
    {
        using var theirs = new ProviderSpanRecorder("MySqlConnector", Recorder.Root.TraceId);
        var connection = Open();
        CreateUsers(connection);
        theirs.Clear();
        var caller = Activity.Current;

        var closed = connection.Command("SELECT name FROM users").ExecuteReader();
        closed.Close();
        var sameAfterClose = Activity.Current == caller;
        var dropped = await connection.Command("SELECT name FROM users").ExecuteReaderAsync();
        Assert.True(await dropped.ReadAsync());
        await connection.CloseAsync();
        var sameAfterConnectionClose = Activity.Current == caller;

        Assert.True(sameAfterClose);
        Assert.True(sameAfterConnectionClose);
        var ours = Recorder.Spans;
        var providers = theirs.Spans;
        Assert.Equal(2, ours.Count);
        Assert.Equal(2, providers.Count);
        Assert.Equal(ours.Select(span => span.SpanId), providers.Select(span => span.ParentSpanId));
    }

    // Untraced commands leave the provider's spans where they are without the library: under the caller's span.
    [SkippableFact]
    public void ProviderSpans_OfUntracedCommands_StayUnderTheCallersSpan()
    {
        using var theirs = new ProviderSpanRecorder("MySqlConnector", Recorder.Root.TraceId);
        using var connection = Open(o => o.TraceAllCommands = false);

        connection.Execute("SELECT 1");

        Assert.Empty(Recorder.StartedSpans);
        Assert.Equal(Recorder.Root.SpanId, Assert.Single(theirs.Spans).ParentSpanId);
    }
}
