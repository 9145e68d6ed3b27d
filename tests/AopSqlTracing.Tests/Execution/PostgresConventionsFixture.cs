using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;

namespace AopSqlTracing.Tests.Execution;

/// <summary>sqlcommenter seen by the server, and stored procedures, on PostgreSQL.</summary>
public sealed class PostgresConventionsFixture : ProviderFixture<PostgresProvider>
{
    private const string OwnQuery = "SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid()";

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

    [SkippableFact]
    public async Task PropagateContext_Async_AndReader_TheServerSeesIt()
    {
        await using var connection = Open(o => o.PropagateContext = true);
        await using var command = connection.Command(OwnQuery + ";");

        string seenByServer;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            seenByServer = reader.GetString(0);
        }

        var span = Assert.Single(Recorder.Spans);
        // The comment goes before the semicolon, which Npgsql then drops when it splits statements.
        Assert.Equal($"{OwnQuery} /*traceparent='00-{span.TraceId}-{span.SpanId}-01'*/", seenByServer);
        Assert.Equal(OwnQuery + ";", command.CommandText);
    }

    [SkippableFact]
    public void PropagateContext_SyncReader_CommandIsRestoredWhenTheReaderCloses()
    {
        using var connection = Open(o => o.PropagateContext = true);
        using var command = connection.Command(OwnQuery);

        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Contains("traceparent", reader.GetString(0), StringComparison.Ordinal);
        }

        Assert.Equal(OwnQuery, command.CommandText);
    }

    [SkippableFact]
    public void PropagateContext_StatementEndingWithAComment_IsLeftAlone()
    {
        using var connection = Open(o => o.PropagateContext = true);

        var seenByServer = (string)connection.Command(OwnQuery + " /* mine */").ExecuteScalar()!;

        Assert.Equal(OwnQuery + " /* mine */", seenByServer);
    }

    [SkippableFact]
    public void PropagateContext_Off_SendsTheTextAsWritten()
    {
        using var connection = Open();

        Assert.Equal(OwnQuery, connection.Command(OwnQuery).ExecuteScalar());
    }

    [SkippableFact]
    public void StoredProcedure_IsNamedAndTaggedByTheProcedure()
    {
        using var connection = Open();
        connection.Unwrap().Command("CREATE PROCEDURE pg_temp.aop_touch() LANGUAGE SQL AS $$ SELECT 1 $$").ExecuteNonQuery();

        using var call = connection.Command("pg_temp.aop_touch");
        call.CommandType = System.Data.CommandType.StoredProcedure;
        call.ExecuteNonQuery();

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("CALL pg_temp.aop_touch", span.DisplayName);
        Assert.Equal("CALL", span.GetTagItem("db.operation.name"));
        Assert.Equal("pg_temp.aop_touch", span.GetTagItem("db.stored_procedure.name"));
        Assert.Null(span.GetTagItem("db.query.text"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }
}
