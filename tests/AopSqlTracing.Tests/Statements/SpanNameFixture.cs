using AopSqlTracing.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Statements;

/// <summary>Span names in the seed's words, told from the SQL text of the command that ran.</summary>
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
    [InlineData("PRAGMA user_version", "textclause", null)]
    [InlineData("SELECT 1; SELECT 2", "textclause", null)]
    [InlineData("/* only a comment */", "textclause", null)]
    public void SpanName_IsTheStatementKind(string sql, string name, string? operation)
    {
        using var container = TestContainers.Sqlite();
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
        Assert.Equal(name, span.DisplayName);
        Assert.Equal(operation, span.GetTagItem("db.operation.name"));
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
