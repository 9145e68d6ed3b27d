using AopSqlTracing.Statements;

namespace AopSqlTracing.Tests.Statements;

/// <summary>
/// SQL Server's lexical rules, as T-SQL documents them (no server runs here: these are the lexer's and the
/// classifier's reading, not a server's): <c>[name]</c> with <c>]]</c> escapes, <c>N'…'</c>, nested comments,
/// <c>0x…</c> binary and <c>$…</c> money literals, <c>@@</c> functions, <c>#temp</c> names, <c>EXEC</c>.
/// </summary>
public sealed class SqlServerDialectFixture
{
    [Fact]
    public void Of_SqlServer_GivesTheSqlServerDialect()
        => Assert.Equal(SqlDialect.SqlServer, SqlDialects.Of("microsoft.sql_server"));

    [Theory]
    [InlineData("[order]", "QuotedIdentifier")]
    [InlineData("[it's]", "QuotedIdentifier")]
    [InlineData("[a]]b]", "QuotedIdentifier")]
    [InlineData("[a]]]", "QuotedIdentifier")]
    [InlineData("[1, 2]", "QuotedIdentifier")]
    [InlineData("\"a\"\"b\"", "QuotedIdentifier")]
    [InlineData("'it''s'", "Literal")]
    [InlineData("'C:\\'", "Literal")]
    [InlineData("/* a /* b */ c */", "BlockComment")]
    [InlineData("-- a 'b", "LineComment")]
    [InlineData("0x1F", "Literal")]
    [InlineData("0x", "Literal")]
    [InlineData("$12.50", "Literal")]
    [InlineData("$-5", "Literal")]
    [InlineData("$.5", "Literal")]
    [InlineData("£5", "Literal")]
    [InlineData("€1e3", "Literal")]
    [InlineData(".5e-3", "Literal")]
    [InlineData("$action", "Word")]
    [InlineData("@@ROWCOUNT", "Word")]
    [InlineData("#temp", "Word")]
    [InlineData("##global", "Word")]
    [InlineData("a#b$c@d", "Word")]
    [InlineData("@p", "Placeholder")]
    [InlineData("@p#1", "Placeholder")]
    public void NextWithComments_OneToken_OfItsKind(string sql, string kind)
    {
        var lexer = new SqlLexer(sql, SqlDialect.SqlServer);
        var token = lexer.NextWithComments();

        Assert.Equal((Enum.Parse<SqlTokenKind>(kind), sql), (token.Kind, sql.Substring(token.Start, token.Length)));
        Assert.Equal(SqlTokenKind.End, lexer.NextWithComments().Kind);
        Assert.False(lexer.EndedUnterminated);
    }

    [Theory]
    [InlineData("SELECT `a` FROM t", "SELECT | ` | a | ` | FROM | t")]
    [InlineData("SELECT $1, ?", "SELECT | $1 | , | ?")]
    [InlineData("SELECT E'x'", "SELECT | E | 'x'")]
    [InlineData("SELECT 1 # 2", "SELECT | 1 | # | 2")]
    public void Next_WhatSqlServerDoesNotHave_IsNotReadAsIfItDid(string sql, string tokens)
        => Assert.Equal(tokens, string.Join(" | ", Tokens(sql)));

    [Theory]
    [InlineData("[open", true)]
    [InlineData("[a]]", true)]
    [InlineData("/* a /* b */", true)]
    [InlineData("N'open", true)]
    [InlineData("[a]] b]", false)]
    public void Lexer_UnclosedNameCommentOrString_EndsUnterminated(string sql, bool unterminated)
    {
        var lexer = new SqlLexer(sql, SqlDialect.SqlServer);
        while (lexer.NextWithComments().Kind != SqlTokenKind.End)
        {
        }

        Assert.Equal(unterminated, lexer.EndedUnterminated);
    }

    // Each statement holds hunter2 (or a number) where T-SQL has a value; none may survive sanitising.
    [Theory]
    [InlineData("SELECT [it's] FROM t WHERE p = 'hunter2'", "SELECT [it's] FROM t WHERE p = ?")]
    [InlineData("SELECT [a]]'b], 'hunter2' FROM t", "SELECT [a]]'b], ? FROM t")]
    [InlineData("SELECT [it's], [x] FROM t WHERE a = 'b' AND c = 'hunter2'", "SELECT [it's], [x] FROM t WHERE a = ? AND c = ?")]
    [InlineData("SELECT N'hunter2', n'hunter2', N'it''s hunter2'", "SELECT ?, ?, ?")]
    [InlineData("SELECT 1 /* a /* b */ 'hunter2' */, 2", "SELECT ? , ?")]
    [InlineData("SELECT 1 /* a /* b */ */ , 'hunter2'", "SELECT ? , ?")]
    [InlineData("SELECT 0xDEADBEEF, 0x, $12.50, $-5, -$5, £5, $.25, .5e-3", "SELECT ?, ?, ?, ?, -?, ?, ?, ?")]
    [InlineData("SELECT @@ROWCOUNT, @@IDENTITY, @p, @p#2 FROM t", "SELECT @@ROWCOUNT, @@IDENTITY, @p, @p#2 FROM t")]
    [InlineData("SELECT * FROM #orders WHERE id = 4111111111111111", "SELECT * FROM #orders WHERE id = ?")]
    [InlineData("INSERT INTO ##g (a) OUTPUT $action VALUES ('hunter2')", "INSERT INTO ##g (a) OUTPUT $action VALUES (?)")]
    [InlineData("SELECT \"col\" FROM t WHERE x = 'hunter2'", "SELECT \"col\" FROM t WHERE x = ?")]
    [InlineData("SELECT 'C:\\', 'hunter2'", "SELECT ?, ?")]
    [InlineData("EXEC sp_executesql N'SELECT @a', N'@a int', @a = 42", "EXEC sp_executesql ?, ?, @a = ?")]
    [InlineData("SELECT a FROM t -- hunter2\nWHERE b = 1", "SELECT a FROM t WHERE b = ?")]
    [InlineData("WAITFOR DELAY '00:00:05'", "WAITFOR DELAY ?")]
    public void Sanitize_SqlServerLiterals_AreReplaced(string sql, string expected)
    {
        var sanitized = QuerySanitizer.Sanitize(sql, SqlDialect.SqlServer);

        Assert.Equal(expected, sanitized);
        Assert.DoesNotContain("hunter2", sanitized, StringComparison.Ordinal);
    }

    // The generic rules (what SQL Server's text was read by before) take [it's] for an array holding a string.
    [Fact]
    public void Sanitize_QuoteInsideBrackets_IsAName_NotTheStartOfAString()
    {
        const string sql = "SELECT [it's] FROM t WHERE p = 'hunter2' AND q = 'x'";

        Assert.Equal("SELECT [it's] FROM t WHERE p = ? AND q = ?", QuerySanitizer.Sanitize(sql, SqlDialect.SqlServer));
        Assert.NotEqual(QuerySanitizer.Sanitize(sql, SqlDialect.SqlServer), QuerySanitizer.Sanitize(sql, SqlDialect.Generic));
    }

    [Theory]
    [InlineData("SELECT * FROM [dbo].[Users] WHERE id = 1", "select", "dbo.Users", "SELECT dbo.Users")]
    [InlineData("SELECT TOP 10 * FROM users ORDER BY id", "select", "users", "SELECT users")]
    [InlineData("SELECT * FROM [order]]items]", "select", "order]items", "SELECT order]items")]
    [InlineData("SELECT * FROM [it's]", "select", "it's", "SELECT it's")]
    [InlineData("SELECT * FROM #temp", "select", "#temp", "SELECT #temp")]
    [InlineData("INSERT INTO ##global (a) VALUES (1)", "insert", "##global", "INSERT ##global")]
    [InlineData("SELECT * FROM users (NOLOCK)", "select", "users", "SELECT users")]
    [InlineData("SELECT * FROM users WITH (NOLOCK) WHERE id = @id", "select", "users", "SELECT users")]
    [InlineData("SELECT value FROM STRING_SPLIT(@list, ',')", "select", null, "SELECT")]
    [InlineData("SELECT * FROM dbo.fn_orders(@customer)", "select", null, "SELECT")]
    [InlineData("UPDATE [dbo].[users] SET name = N'x'", "update", "dbo.users", "UPDATE dbo.users")]
    [InlineData("MERGE INTO users USING staged ON users.id = staged.id WHEN MATCHED THEN DELETE;", "merge", null, "MERGE")]
    [InlineData("WAITFOR DELAY '00:00:01'", "waitfor", null, "WAITFOR")]
    [InlineData("SELECT @@VERSION", "select", null, "SELECT")]
    public void Analyze_SqlServerStatements_NamedAndTableAsTSqlReadsThem(string sql, string kind, string? collection, string summary)
    {
        var info = StatementClassifier.Analyze(sql, SqlDialect.SqlServer);

        Assert.Equal((kind, collection, summary), (info.Kind, info.Collection, info.Summary));
    }

    [Theory]
    [InlineData("EXEC dbo.restock @n = 1", "dbo.restock")]
    [InlineData("exec restock", "restock")]
    [InlineData("EXECUTE @status = [dbo].[restock] 5", "dbo.restock")]
    [InlineData("EXEC ('SELECT 1')", null)]
    [InlineData("EXEC @procedure_name", null)]
    public void Analyze_Execute_IsACallOfTheProcedure(string sql, string? procedure)
    {
        var info = StatementClassifier.Analyze(sql, SqlDialect.SqlServer);

        Assert.Equal(("execute", "EXECUTE", procedure), (info.Kind, info.Operation, info.Procedure));
        Assert.Equal(procedure is null ? "EXECUTE" : "EXECUTE " + procedure, info.Summary);
    }

    // On other engines EXECUTE runs a prepared statement (PostgreSQL): no procedure is read from it.
    [Fact]
    public void Analyze_ExecuteOnPostgres_IsNoProcedure()
        => Assert.Null(StatementClassifier.Analyze("EXECUTE fetch_user(1)", SqlDialect.PostgreSql).Procedure);

    [Fact]
    public void Analyze_Script_IsNamedByItsStatements()
    {
        var info = StatementClassifier.Analyze("SET NOCOUNT ON; SELECT name FROM [users] WHERE id = @id;", SqlDialect.SqlServer);

        Assert.Equal(("batch", null, "SET SELECT users"), (info.Kind, info.Operation, info.Summary));
        Assert.Equal("SET NOCOUNT ON; SELECT name FROM [users] WHERE id = @id;", info.SanitizedText);
    }

    [Fact]
    public void ForProcedure_OnSqlServer_IsSummarisedAsExecute()
    {
        var info = StatementInfo.ForProcedure("dbo.restock", SqlDialect.SqlServer);

        Assert.Equal(("EXECUTE", "EXECUTE dbo.restock", "dbo.restock"), (info.Operation, info.Summary, info.Procedure));
        Assert.Equal("CALL dbo.restock", StatementInfo.ForProcedure("dbo.restock", SqlDialect.PostgreSql).Summary);
    }

    private static List<string> Tokens(string sql)
    {
        var tokens = new List<string>();
        var lexer = new SqlLexer(sql, SqlDialect.SqlServer);
        for (var token = lexer.Next(); token.Kind != SqlTokenKind.End; token = lexer.Next())
        {
            tokens.Add(sql.Substring(token.Start, token.Length));
        }

        return tokens;
    }
}
