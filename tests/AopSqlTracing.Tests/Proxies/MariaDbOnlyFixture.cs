using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;
using Dapper;
using MySqlConnector;

namespace AopSqlTracing.Tests.Proxies;

/// <summary>
/// What only MariaDB through MySqlConnector has: error numbers beside SQLSTATEs, server-side cancellation by
/// <c>KILL QUERY</c>, MySqlConnector's batches, Dapper's list expansion, its own command types.
/// </summary>
public sealed class MariaDbOnlyFixture : ProviderFixture<MariaDbProvider>
{
    [SkippableFact]
    public void Errors_CarryTheServersErrorNumber_NotTheSqlState()
    {
        using var connection = Open();
        CreateUsers(connection);

        var duplicate = Assert.Throws<MySqlException>(() => connection.Execute("INSERT INTO users (name) VALUES ('Ada')"));
        var syntax = Assert.Throws<MySqlException>(() => connection.Execute("SELEC 1"));

        Assert.Equal([1062, 1064], [duplicate.Number, syntax.Number]);
        Assert.Equal(("23000", "42000"), (duplicate.SqlState, syntax.SqlState));
        Assert.Equal(["1062", "1064"], Recorder.Spans.Select(s => s.GetTagItem("db.response.status_code")));
        Assert.All(Recorder.Spans, s => Assert.Equal(ActivityStatusCode.Error, s.Status));
    }

    [SkippableFact]
    public async Task CancelledLongQuery_CallerSeesWhatUntracedCodeSees_SpanRecordsIt()
    {
        await using var raw = OpenRaw();
        await using var rawCommand = raw.Command("SELECT SLEEP(30)");
        using var cancelRaw = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var untraced = await Record.ExceptionAsync(() => rawCommand.ExecuteScalarAsync(cancelRaw.Token));
        await using var connection = Open();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await using var command = connection.Command("SELECT SLEEP(30)");
        var traced = await Record.ExceptionAsync(() => command.ExecuteScalarAsync(cancel.Token));

        Assert.IsAssignableFrom<OperationCanceledException>(untraced);
        Assert.Equal(untraced.GetType(), traced?.GetType());
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(traced!.GetType().FullName, span.GetTagItem("error.type"));
        if (traced.InnerException is MySqlException interrupted)
        {
            Assert.Equal(interrupted.Number.ToString(CultureInfo.InvariantCulture), span.GetTagItem("db.response.status_code"));
        }

        Assert.True(span.Duration < TimeSpan.FromSeconds(10));
    }

    [SkippableFact]
    public void Spans_CarryMariaDbTheServerEndpointAndDatabase()
    {
        using var connection = Open();
        var builder = new MySqlConnectionStringBuilder(MariaDbProvider.ConnectionString!);

        connection.Execute("SELECT 1");

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("mariadb", span.GetTagItem("db.system.name"));
        Assert.Equal(builder.Server, span.GetTagItem("server.address"));
        Assert.Equal((int)builder.Port, span.GetTagItem("server.port"));
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
            insert.CommandText = "INSERT INTO users (name) VALUES (@name)";
            insert.Parameters.Add(new MySqlParameter("@name", name));
            batch.BatchCommands.Add(insert);
        }

        var inserted = await batch.ExecuteNonQueryAsync();

        Assert.Equal(3, inserted);
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("BATCH INSERT users", span.DisplayName);
        Assert.Equal(3, span.GetTagItem("db.operation.batch.size"));
        Assert.Equal("BATCH INSERT", span.GetTagItem("db.operation.name"));
        Assert.Equal("INSERT INTO users (name) VALUES (@name); INSERT INTO users (name) VALUES (@name); INSERT INTO users (name) VALUES (@name)", span.GetTagItem("db.query.text"));
    }

    // The framework's batch for a data source without batches of its own cannot make batch commands, traced or not.
    [SkippableFact]
    public void DataSourceBatch_CreateBatchCommand_FailsAsUntraced()
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDataSource(_ => Provider.CreateDataSource()).SingleInstance();
        var container = builder.Build();
        Track(container);
        using var raw = Provider.CreateDataSource();
        using var rawBatch = raw.CreateBatch();
        using var batch = container.Resolve<DbDataSource>().CreateBatch();

        var untraced = Record.Exception(rawBatch.CreateBatchCommand);
        var traced = Record.Exception(batch.CreateBatchCommand);

        Assert.IsType<NotImplementedException>(untraced);
        Assert.IsType<NotImplementedException>(traced);
    }

    // Dapper expands a list into one parameter per item on MySqlConnector, and picks each parameter's type from its
    // value: through a traced connection the text MySqlConnector sends (its own span says) and the values that come
    // back are those of a raw connection.
    [SkippableFact]
    public void Dapper_ListExpansionAndParameterTypes_SendAndReturnWhatARawConnectionDoes()
    {
        using var sent = new ProviderSpanRecorder("MySqlConnector", Recorder.Root.TraceId);
        using var raw = OpenRaw();
        using var connection = Open();
        CreateUsers(raw);
        CreateUsers(connection);
        sent.Clear();
        const string list = "SELECT name FROM users WHERE id IN @ids ORDER BY id";
        const string typed = "SELECT @flag AS flag, @moment AS moment, @key AS `key`, @amount AS amount, @bytes AS bytes, @day AS day, @ansi AS ansi, @nothing AS nothing";
        var ids = new[] { 1, 3 };
        var values = new
        {
            flag = true,
            moment = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Unspecified),
            key = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
            amount = 12.25m,
            bytes = new byte[] { 1, 2, 255 },
            day = DayOfWeek.Friday,
            ansi = new DbString { Value = "plain", IsAnsi = true, Length = 10 },
            nothing = (string?)null,
        };

        var expectedNames = raw.Query<string>(list, new { ids }).ToList();
        var actualNames = connection.Query<string>(list, new { ids }).ToList();
        var expectedRow = Describe(raw.QuerySingle(typed, values));
        var actualRow = Describe(connection.QuerySingle(typed, values));

        Assert.Equal(["Ada", "Barbara"], expectedNames);
        Assert.Equal(expectedNames, actualNames);
        Assert.Equal(expectedRow, actualRow);
        var texts = sent.Texts;
        Assert.Equal(4, texts.Count);
        Assert.Equal(texts[0], texts[1]);
        Assert.Equal(texts[2], texts[3]);
        Assert.DoesNotContain("IN @ids", texts[1], StringComparison.Ordinal);
        Assert.Equal([texts[1], texts[3]], Recorder.Spans.Select(span => span.GetTagItem("db.query.text")));
    }

    [SkippableFact]
    public void ProvidersOwnCommand_WorksWithUnwrappedConnectionAndTransaction()
    {
        using var connection = Open();
        CreateUsers(connection);
        using var transaction = connection.BeginTransaction();

        using var command = new MySqlCommand("SELECT COUNT(*) FROM users", (MySqlConnection)connection.Unwrap());
        command.Transaction = (MySqlTransaction)transaction.Unwrap();
        var count = command.ExecuteScalar();

        Assert.Equal(3L, count);
        Assert.Throws<InvalidCastException>(() => ((DbCommand)command).Transaction = transaction);
        Assert.Empty(Recorder.Spans);
    }

    // A command run while a transaction is open must carry it on MySqlConnector: the same refusal, traced or not.
    [SkippableFact]
    public void CommandWithoutTheOpenTransaction_IsRefusedAsUntraced()
    {
        using var raw = OpenRaw();
        using var connection = Open();
        using var rawTransaction = raw.BeginTransaction();
        using var transaction = connection.BeginTransaction();

        var untraced = Assert.ThrowsAny<Exception>(() => raw.Execute("SELECT 1"));
        var traced = Assert.ThrowsAny<Exception>(() => connection.Execute("SELECT 1"));

        Assert.Equal(untraced.GetType(), traced.GetType());
        Assert.Equal(untraced.Message, traced.Message);
        Assert.Equal(ActivityStatusCode.Error, Assert.Single(Recorder.Spans).Status);
    }

    private static List<string> Describe(object row)
        => [.. ((IDictionary<string, object?>)row).Select(pair => $"{pair.Key}={pair.Value?.GetType().Name}:{Format(pair.Value)}")];

    private static string? Format(object? value) => value is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(value, CultureInfo.InvariantCulture);
}
