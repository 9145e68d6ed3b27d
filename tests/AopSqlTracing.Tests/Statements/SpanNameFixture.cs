using AopSqlTracing.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Statements;

/// <summary>
/// Span names told from the SQL text of the command that ran: by default the OpenTelemetry query summary
/// (<c>SELECT users</c>), or in the seed's words (<c>select</c>) with <see cref="SqlSpanNaming.StatementKind"/>.
/// </summary>
public sealed class SpanNameFixture : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Theory]
    [InlineData("SELECT 1", "select", "SELECT")]
    [InlineData("  select * from users", "select", "SELECT")]
    [InlineData("-- leading comment\n/* and another */ SELECT name FROM users", "select", "SELECT")]
    [InlineData("WITH recent AS (SELECT id FROM users WHERE id > 1) SELECT * FROM recent", "select", "SELECT")]
    [InlineData("WITH gone AS (SELECT id FROM users) DELETE FROM users WHERE id IN (SELECT id FROM gone)", "delete", "DELETE")]
    [InlineData("insert into users (name) values ('a')", "insert", "INSERT")]
    [InlineData("INSERT OR REPLACE INTO users (id, name) VALUES (1, 'a')", "insert", "INSERT")]
    [InlineData("UPDATE users SET name = 'x; y' WHERE id = 1;", "update", "UPDATE")]
    [InlineData("DELETE FROM users", "delete", "DELETE")]
    [InlineData("CREATE TABLE IF NOT EXISTS t (x)", "create_table", "CREATE TABLE")]
    [InlineData("create temp table t2 (x)", "create_table", "CREATE TABLE")]
    [InlineData("DROP TABLE users", "drop_table", "DROP TABLE")]
    [InlineData("ALTER TABLE users ADD COLUMN age INTEGER", "alter_table", "ALTER TABLE")]
    [InlineData("CREATE UNIQUE INDEX ix_users_name ON users (name)", "create_index", "CREATE INDEX")]
    [InlineData("DROP INDEX ix_missing", "drop_index", "DROP INDEX")]
    [InlineData("CREATE VIEW v AS SELECT * FROM users", "create_view", "CREATE VIEW")]
    [InlineData("DROP VIEW v_missing", "drop_view", "DROP VIEW")]
    [InlineData("PRAGMA user_version", "pragma", "PRAGMA")]
    [InlineData("SELECT 1; SELECT 2", "select", null)]
    [InlineData("PRAGMA user_version; SELECT 2", "batch", null)]
    [InlineData("/* only a comment */", "sqlite", null)]
    public void SpanName_StatementKindNaming_IsTheStatementKind(string sql, string name, string? operation)
        => AssertNamed(o => o.SpanNaming = SqlSpanNaming.StatementKind, sql, name, operation);

    [Theory]
    [InlineData("SELECT 1", "SELECT", "SELECT")]
    [InlineData("  select * from users", "SELECT users", "SELECT")]
    [InlineData("-- leading comment\n/* and another */ SELECT name FROM users", "SELECT users", "SELECT")]
    [InlineData("WITH recent AS (SELECT id FROM users WHERE id > 1) SELECT * FROM recent", "SELECT recent", "SELECT")]
    [InlineData("insert into users (name) values ('a')", "INSERT users", "INSERT")]
    [InlineData("UPDATE users SET name = 'x; y' WHERE id = 1;", "UPDATE users", "UPDATE")]
    [InlineData("DELETE FROM users", "DELETE users", "DELETE")]
    [InlineData("CREATE TABLE IF NOT EXISTS t (x)", "CREATE TABLE t", "CREATE TABLE")]
    [InlineData("DROP INDEX ix_missing", "DROP INDEX", "DROP INDEX")]
    [InlineData("SELECT value FROM json_each('[1,2]')", "SELECT", "SELECT")]
    [InlineData("SELECT * FROM users, json_each('[1]')", "SELECT users", "SELECT")]
    [InlineData("PRAGMA user_version", "PRAGMA", "PRAGMA")]
    [InlineData("VACUUM", "VACUUM", "VACUUM")]
    [InlineData("SELECT 1; SELECT name FROM users", "SELECT SELECT users", null)]
    [InlineData("/* only a comment */", "sqlite", null)]
    public void SpanName_ByDefault_IsTheQuerySummary(string sql, string name, string? operation)
        => AssertNamed(null, sql, name, operation);

    [Fact]
    public void SpanName_NeverTextclause_OnAnyNaming()
    {
        foreach (var naming in Enum.GetValues<SqlSpanNaming>())
        {
            foreach (var sql in new[] { "PRAGMA user_version", "SELECT 1; SELECT 2", "/* c */", "VACUUM", "PRAGMA a; VACUUM" })
            {
                _recorder.Clear();
                AssertNamed(o => o.SpanNaming = naming, sql, _ => true);
                Assert.NotEqual("textclause", Assert.Single(_recorder.Spans).DisplayName);
            }
        }
    }

    private void AssertNamed(Action<SqlTracingOptions>? configure, string sql, string name, string? operation)
        => AssertNamed(configure, sql, span => name == span.DisplayName && operation == (string?)span.GetTagItem("db.operation.name"));

    private void AssertNamed(Action<SqlTracingOptions>? configure, string sql, Func<System.Diagnostics.Activity, bool> expected)
    {
        using var container = TestContainers.Sqlite(configure);
        using var connection = container.OpenConnection();
        connection.Execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
        _recorder.Clear();

        try
        {
            connection.Execute(sql);
        }
        catch (SqliteException)
        {
            // A failing statement is named like a succeeding one.
        }
        catch (InvalidOperationException)
        {
            // Microsoft.Data.Sqlite refuses a command text with no statement at all.
        }

        var span = Assert.Single(_recorder.Spans);
        Assert.True(expected(span), $"«{sql}» named {span.DisplayName}, operation {span.GetTagItem("db.operation.name")}");
    }

    [Fact]
    public void QueryText_Raw_IsWhitespaceNormalised_AndKeepsLiterals()
    {
        using var container = TestContainers.Sqlite(o => o.QueryText = QueryTextMode.Raw);
        using var connection = container.OpenConnection();

        connection.Execute("SELECT\n    'a  b',\t2 -- two\n");

        Assert.Equal("SELECT 'a  b', 2 -- two", Assert.Single(_recorder.Spans).GetTagItem("db.query.text"));
    }
}
