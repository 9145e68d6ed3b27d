using AopSqlTracing.Statements;

namespace AopSqlTracing.Tests.Statements;

/// <summary>
/// What the classifier names a statement it reads: a function in a <c>FROM</c> is not a table, a procedure call is a
/// call, a statement it has no grammar for is named by its first keyword, and a script by the statements in it.
/// </summary>
public sealed class StatementNamingFixture
{
    [Theory]
    [InlineData("postgresql", "SELECT * FROM generate_series(1,10)")]
    [InlineData("postgresql", "SELECT * FROM generate_series (1, 10) AS g(n)")]
    [InlineData("postgresql", "SELECT x FROM unnest(@values) AS x")]
    [InlineData("postgresql", "SELECT * FROM pg_sleep(1)")]
    [InlineData("postgresql", "SELECT * FROM pg_catalog.generate_series(1, 3)")]
    [InlineData("postgresql", "SELECT * FROM LATERAL generate_series(1, 3)")]
    [InlineData("sqlite", "SELECT value FROM json_each('[1,2]')")]
    [InlineData("other_sql", "SELECT * FROM dbo.split_string(@list)")]
    public void Analyze_FunctionInFrom_IsNotACollection(string engine, string sql)
    {
        var info = StatementClassifier.Analyze(sql, SqlDialects.Of(engine));

        Assert.Equal(("select", "SELECT", null, "SELECT"), (info.Kind, info.Operation, info.Collection, info.Summary));
    }

    [Theory]
    [InlineData("SELECT * FROM users u JOIN generate_series(1, 3) g ON true", "users")]
    [InlineData("SELECT * FROM users WHERE id IN (SELECT * FROM unnest(@ids))", "users")]
    [InlineData("INSERT INTO users (id, name) SELECT * FROM unnest(@ids, @names)", "users")]
    [InlineData("DELETE FROM users WHERE id = ANY(@ids)", "users")]
    public void Analyze_TableBesideAFunction_IsStillTheCollection(string sql, string collection)
        => Assert.Equal(collection, StatementClassifier.Analyze(sql, SqlDialect.PostgreSql).Collection);

    [Theory]
    [InlineData("postgresql", "CALL restock(1, 'hunter2')", "restock")]
    [InlineData("postgresql", "call shop.restock()", "shop.restock")]
    [InlineData("mariadb", "CALL `shop`.`restock`(@n)", "shop.restock")]
    [InlineData("other_sql", "CALL restock", "restock")]
    public void Analyze_Call_IsACallOfTheProcedure(string engine, string sql, string procedure)
    {
        var info = StatementClassifier.Analyze(sql, SqlDialects.Of(engine));

        Assert.Equal(("call", "CALL", null, procedure), (info.Kind, info.Operation, info.Collection, info.Procedure));
        Assert.Equal("CALL " + procedure, info.Summary);
    }

    [Theory]
    [InlineData("sqlite", "PRAGMA user_version", "pragma", "PRAGMA")]
    [InlineData("sqlite", "pragma journal_mode = WAL", "pragma", "PRAGMA")]
    [InlineData("sqlite", "VACUUM", "vacuum", "VACUUM")]
    [InlineData("postgresql", "SET search_path TO shop", "set", "SET")]
    [InlineData("postgresql", "BEGIN", "begin", "BEGIN")]
    [InlineData("postgresql", "/* why */ COMMIT;", "commit", "COMMIT")]
    [InlineData("postgresql", "EXPLAIN SELECT * FROM users", "explain", "EXPLAIN")]
    [InlineData("postgresql", "GRANT SELECT ON users TO reader", "grant", "GRANT")]
    [InlineData("postgresql", "CREATE ROLE reader", "create", "CREATE")]
    [InlineData("mariadb", "SHOW TABLES", "show", "SHOW")]
    [InlineData("mariadb", "/*!40101 SET NAMES utf8mb4 */", null, null)]
    public void Analyze_StatementWithoutGrammar_IsNamedByItsFirstKeyword(string engine, string sql, string? kind, string? operation)
    {
        var info = StatementClassifier.Analyze(sql, SqlDialects.Of(engine));

        Assert.Equal((kind, operation, null, operation), (info.Kind, info.Operation, info.Collection, info.Summary));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/* only a comment */")]
    [InlineData("hunter2 is the password")]
    [InlineData("'hunter2'")]
    [InlineData("4111111111111111")]
    [InlineData("(")]
    public void Analyze_TextWithoutAKeyword_HasNoNameOfItsOwn(string sql)
    {
        var info = StatementClassifier.Analyze(sql, SqlDialect.Generic);

        Assert.Equal((null, null, null), (info.Kind, info.Operation, info.Summary));
    }

    [Theory]
    [InlineData("SELECT 1; SELECT 2", "select", "SELECT SELECT")]
    [InlineData("CREATE TABLE t (x); INSERT INTO t VALUES (1);", "batch", "CREATE TABLE t INSERT t")]
    [InlineData("PRAGMA foreign_keys = ON; DELETE FROM users", "batch", "PRAGMA DELETE users")]
    [InlineData("SELECT 1 /* a /* b */; DELETE FROM users", "batch", "SELECT DELETE users")]
    public void Analyze_Script_IsNamedByItsStatements(string sql, string kind, string summary)
    {
        var info = StatementClassifier.Analyze(sql, SqlDialect.Sqlite);

        Assert.Equal((kind, null, null, summary), (info.Kind, info.Operation, info.Collection, info.Summary));
    }

    [Fact]
    public void Analyze_LongScript_SummaryIsCutBetweenWords()
    {
        var sql = string.Join("; ", Enumerable.Range(0, 100).Select(i => $"INSERT INTO table_number_{i} VALUES (1)"));

        var summary = StatementClassifier.Analyze(sql, SqlDialect.Sqlite).Summary!;

        Assert.InRange(summary.Length, 200, 255);
        Assert.StartsWith("INSERT table_number_0 INSERT table_number_1 ", summary, StringComparison.Ordinal);
        Assert.Matches(@"^(INSERT table_number_\d+ ?)+$", summary);
        Assert.DoesNotMatch(@" INSERT$", summary);
    }

    [Theory]
    [InlineData("SELECT .5e-3", "SELECT ?")]
    [InlineData("SELECT .5", "SELECT ?")]
    [InlineData("SELECT 1.", "SELECT ?")]
    [InlineData("SELECT 1.e5", "SELECT ?")]
    [InlineData("SELECT 1e10, 1E+10, 2.5e-3", "SELECT ?, ?, ?")]
    [InlineData("SELECT a FROM t WHERE b > .25", "SELECT a FROM t WHERE b > ?")]
    [InlineData("SELECT (.5)", "SELECT (?)")]
    [InlineData("SELECT a-.5", "SELECT a-?")]
    [InlineData("SELECT t.a, t.b FROM t", "SELECT t.a, t.b FROM t")]
    public void Sanitize_Number_IsOnePlaceholder(string sql, string expected)
    {
        foreach (var dialect in Enum.GetValues<SqlDialect>())
        {
            Assert.Equal(expected, QuerySanitizer.Sanitize(sql, dialect));
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    [InlineData("mariadb")]
    [InlineData("other_sql")]
    public void Sanitize_HexNumber_IsOnePlaceholder(string engine)
        => Assert.Equal("SELECT ?, ?", QuerySanitizer.Sanitize("SELECT 0x1F, 0XdeadBEEF", SqlDialects.Of(engine)));
}
