using System.Diagnostics;
using AopSqlTracing.Tests.Support;

namespace AopSqlTracing.Tests.Execution;

/// <summary>OpenTelemetry database attributes and span names, on SQLite.</summary>
public sealed class AttributesFixture : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Theory]
    [InlineData("SELECT id FROM users WHERE id = 1", "users", "SELECT users")]
    [InlineData("INSERT INTO main.users (name) VALUES ('x')", "main.users", "INSERT main.users")]
    [InlineData("UPDATE users SET name = 'y'", "users", "UPDATE users")]
    [InlineData("DELETE FROM \"users\"", "users", "DELETE users")]
    [InlineData("CREATE TABLE IF NOT EXISTS audit (x)", "audit", "CREATE TABLE audit")]
    [InlineData("SELECT 1", null, "SELECT")]
    public void CollectionAndSummary_AreToldFromTheText(string sql, string? collection, string summary)
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        connection.Execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
        _recorder.Clear();

        connection.Execute(sql);

        var span = Assert.Single(_recorder.Spans);
        Assert.Equal(collection, span.GetTagItem("db.collection.name"));
        Assert.Equal(summary, span.GetTagItem("db.query.summary"));
        Assert.Equal(ActivityKind.Client, span.Kind);
    }

    [Fact]
    public void SpanNamingQuerySummary_NamesSpansTheOpenTelemetryWay_FallingBackToTheSystem()
    {
        using var container = TestContainers.Sqlite(o => o.SpanNaming = SqlSpanNaming.QuerySummary);
        using var connection = container.OpenConnection();

        connection.Execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
        connection.Execute("SELECT name FROM users");
        connection.Execute("PRAGMA user_version");

        connection.Execute("/* no statement */ ;");

        Assert.Equal(["CREATE TABLE users", "SELECT users", "PRAGMA", "sqlite"], _recorder.Spans.Select(s => s.DisplayName));
    }

    [Fact]
    public void CommandRunAgain_FollowsOptionsChangedBetweenRuns()
    {
        SqlTracingOptions? options = null;
        using var container = TestContainers.Sqlite(o => options = o);
        using var connection = container.OpenConnection();
        connection.Execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM users";
        _recorder.Clear();

        command.ExecuteScalar();
        command.ExecuteScalar();
        command.ExecuteScalar();
        options!.SpanNaming = SqlSpanNaming.StatementKind;
        options.QueryText = QueryTextMode.None;
        command.ExecuteScalar();
        command.CommandText = "SELECT id FROM users";
        command.ExecuteScalar();
        command.ExecuteScalar();

        Assert.Equal(["SELECT users", "SELECT users", "SELECT users", "select", "select", "select"], _recorder.Spans.Select(s => s.DisplayName));
        Assert.All(_recorder.Spans.Take(3), s => Assert.Equal("SELECT name FROM users", s.GetTagItem("db.query.text")));
        Assert.All(_recorder.Spans.Skip(3), s => Assert.Null(s.GetTagItem("db.query.text")));
        Assert.All(_recorder.Spans, s => Assert.Equal("users", s.GetTagItem("db.collection.name")));
    }

    [Fact]
    public void SpanNamingQuerySummary_IsTheDefault()
    {
        Assert.Equal(SqlSpanNaming.QuerySummary, new SqlTracingOptions().SpanNaming);
        Assert.Equal(QueryTextMode.Sanitized, new SqlTracingOptions().QueryText);
        Assert.Equal(4096, new SqlTracingOptions().MaxQueryTextLength);
        Assert.False(new SqlTracingOptions().RecordParameters);
        Assert.True(new SqlTracingOptions().RecordException);
        Assert.False(new SqlTracingOptions().PropagateContext);
    }

    [Fact]
    public void Options_RejectLengthsThatAreNotPositive()
    {
        var options = new SqlTracingOptions();

        Assert.Equal("MaxQueryTextLength", Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxQueryTextLength = 0).ParamName);
        Assert.Equal("MaxParameterValueLength", Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxParameterValueLength = -1).ParamName);
    }
}
