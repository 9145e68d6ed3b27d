using System.Diagnostics;
using AopSqlTracing.Statements;
using Npgsql;

namespace AopSqlTracing.Tests.Statements;

/// <summary>
/// What a span records of a statement depends on the engine that runs it: the dialect picked from
/// <c>db.system.name</c> reaches the classifier, its cache, the recorded text, batches and sqlcommenter.
/// </summary>
public sealed class DialectStatementsFixture
{
    [Theory]
    [InlineData("sqlite", nameof(SqlDialect.Sqlite))]
    [InlineData("postgresql", nameof(SqlDialect.PostgreSql))]
    [InlineData("mysql", nameof(SqlDialect.MySql))]
    [InlineData("mariadb", nameof(SqlDialect.MySql))]
    [InlineData("microsoft.sql_server", nameof(SqlDialect.SqlServer))]
    [InlineData("other_sql", nameof(SqlDialect.Generic))]
    [InlineData("SQLite", nameof(SqlDialect.Generic))]
    public void Of_SystemName_GivesItsDialect(string systemName, string dialect)
        => Assert.Equal(Enum.Parse<SqlDialect>(dialect), SqlDialects.Of(systemName));

    [Fact]
    public void Classify_SqliteNonNestingComment_IsTwoStatements()
    {
        const string sql = "SELECT 1 /* note /* inner */; DELETE FROM users";

        var onSqlite = StatementClassifier.Classify(sql, SqlDialect.Sqlite);
        var onPostgres = StatementClassifier.Classify(sql, SqlDialect.PostgreSql);

        Assert.Equal("batch", onSqlite.Kind);
        Assert.Null(onSqlite.Operation);
        Assert.Equal("SELECT DELETE users", onSqlite.Summary);
        Assert.Equal("SELECT ? ; DELETE FROM users", onSqlite.SanitizedText);
        Assert.Equal("select", onPostgres.Kind);
        Assert.Equal("SELECT ?", onPostgres.SanitizedText);
    }

    [Fact]
    public void Classify_SameTextOnTwoEngines_IsCachedOncePerEngine()
    {
        var sql = $"SELECT 1 /* {Guid.NewGuid()} /* */; DELETE FROM t";

        var sqlite = StatementClassifier.Classify(sql, SqlDialect.Sqlite);
        var postgres = StatementClassifier.Classify(sql, SqlDialect.PostgreSql);

        Assert.Same(sqlite, StatementClassifier.Classify(sql, SqlDialect.Sqlite));
        Assert.Same(postgres, StatementClassifier.Classify(sql, SqlDialect.PostgreSql));
        Assert.Equal((SqlDialect.Sqlite, SqlDialect.PostgreSql), (sqlite.Dialect, postgres.Dialect));
        Assert.NotEqual(sqlite.Kind, postgres.Kind);
    }

    [Fact]
    public void Classify_LastStatementOfAnotherEngine_IsNotReused()
    {
        var sql = $"SELECT 1 /* {Guid.NewGuid()} /* */; DELETE FROM t";
        StatementInfo? last = null;

        var first = StatementClassifier.Classify(sql, SqlDialect.PostgreSql, ref last);
        var again = StatementClassifier.Classify(sql, SqlDialect.PostgreSql, ref last);
        var sqlite = StatementClassifier.Classify(sql, SqlDialect.Sqlite, ref last);

        Assert.Same(first, again);
        Assert.Equal(SqlDialect.Sqlite, sqlite.Dialect);
        Assert.Same(sqlite, last);
    }

    [Theory]
    [InlineData("sqlite", "SELECT * FROM [users", "users")]
    [InlineData("sqlite", "SELECT * FROM [main].[users] WHERE a = 1", "main.users")]
    [InlineData("other_sql", "SELECT * FROM \"users", "users")]
    [InlineData("postgresql", "SELECT * FROM [users]", null)]
    public void Classify_QuotedTableName_IsReadByTheEnginesQuotes(string engine, string sql, string? collection)
        => Assert.Equal(collection, StatementClassifier.Analyze(sql, SqlDialects.Of(engine)).Collection);

    [Theory]
    [InlineData("postgresql", "SELECT '{\"a\":1}'::jsonb ? 'secret_A', 'ssn-111-22-3333'", "SELECT ?::jsonb ? ?, ?")]
    [InlineData("sqlite", "SELECT name FROM users WHERE id = @id AND pin = '1234'", "SELECT name FROM users WHERE id = @id AND pin = ?")]
    [InlineData("other_sql", "SELECT @email /* who */, 1", "SELECT @email , ?")]
    public void QueryTextsOf_Sanitized_ReplacesLiteralsEvenBesidePlaceholders(string engine, string sql, string expected)
        => Assert.Equal(expected, QueryTexts.Of(StatementClassifier.Analyze(sql, SqlDialects.Of(engine)), QueryTextMode.Sanitized));

    [Fact]
    public void QueryTextsOf_Raw_IsTheNormalisedText()
        => Assert.Equal(
            "SELECT @email -- who\n, 'ada@example.com'",
            QueryTexts.Of(StatementClassifier.Analyze("SELECT @email -- who\n  , 'ada@example.com'  ", SqlDialect.Sqlite), QueryTextMode.Raw));

    [Fact]
    public void QueryTextsOf_StoredProcedure_IsItsName()
        => Assert.Equal("get_user", QueryTexts.Of(StatementInfo.ForProcedure("get_user"), QueryTextMode.Sanitized));

    [Fact]
    public void BatchStatementsOf_PostgresBatch_ReadsEachCommandAsPostgres()
    {
        using var batch = new NpgsqlBatch
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("INSERT INTO t (a) SELECT ARRAY[4111111111111111] WHERE @p <> 'x'"),
                new NpgsqlBatchCommand("INSERT INTO t (a) VALUES (ARRAY[-5]) -- n\nRETURNING a"),
            },
        };

        var statements = BatchStatements.Of(batch, QueryTextMode.Sanitized, SqlDialect.PostgreSql);

        Assert.Equal("INSERT INTO t (a) SELECT ARRAY[?] WHERE @p <> ?; INSERT INTO t (a) VALUES (ARRAY[-?]) RETURNING a", statements.Text);
        Assert.Equal("BATCH INSERT", statements.Operation);
    }

    [Fact]
    public void TryComment_SqliteCommentClosedByTheFirstEnd_IsCommented()
    {
        using var activity = W3CActivity();
        const string sql = "SELECT 1 /* a /* b */ + 2";

        Assert.True(SqlCommenter.TryComment(sql, SqlDialect.Sqlite, activity, out var commented));
        Assert.Equal($"{sql} /*traceparent='{Uri.EscapeDataString(activity.Id!)}'*/", commented);
        Assert.False(SqlCommenter.TryComment(sql, SqlDialect.PostgreSql, activity, out _));
        Assert.False(SqlCommenter.TryComment(sql, SqlDialect.Generic, activity, out _));
    }

    [Theory]
    [InlineData("sqlite", "SELECT [open", false)]
    [InlineData("postgresql", "SELECT ARRAY[1", true)]
    [InlineData("postgresql", "SELECT 1 -- note\r", false)]
    [InlineData("postgresql", "SELECT $x$ open", false)]
    [InlineData("sqlite", "SELECT $x$ + 1 ;  ", true)]
    public void TryComment_EndOfText_IsReadByTheEnginesRules(string engine, string sql, bool commented)
    {
        using var activity = W3CActivity();

        Assert.Equal(commented, SqlCommenter.TryComment(sql, SqlDialects.Of(engine), activity, out var text));
        Assert.True(!commented || text.EndsWith("*/", StringComparison.Ordinal) || text.EndsWith("*/;", StringComparison.Ordinal), text);
    }

    private static Activity W3CActivity()
    {
        var activity = new Activity("test");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        return activity.Start();
    }
}
