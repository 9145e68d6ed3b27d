using System.Diagnostics;
using AopSqlTracing.Statements;

namespace AopSqlTracing.Tests.Statements;

/// <summary>
/// MySQL's and MariaDB's lexical rules, as their servers read a text (each case below was run on MariaDB 10.11):
/// <c>#</c> comments, <c>--</c> a comment only before a space or control character, comments that do not nest,
/// executable <c>/*! … */</c> comments whose body is SQL, backslash escapes in <c>'…'</c> and <c>"…"</c> (both
/// strings), <c>`name`</c>, <c>X'…'</c>, <c>B'…'</c>, <c>N'…'</c>, <c>0x…</c>, and <c>@name</c> and <c>?</c> placeholders.
/// </summary>
public sealed class MySqlDialectFixture
{
    [Theory]
    [InlineData("mysql")]
    [InlineData("mariadb")]
    public void Of_MySqlFamily_GivesTheMySqlDialect(string systemName)
        => Assert.Equal(SqlDialect.MySql, SqlDialects.Of(systemName));

    [Theory]
    [InlineData("SELECT 1 # note 'x\nFROM t", "SELECT | 1 | # note 'x | FROM | t")]
    [InlineData("SELECT 1 # a\rb\nFROM t", "SELECT | 1 | # a\rb | FROM | t")]
    [InlineData("SELECT 1 -- note\nFROM t", "SELECT | 1 | -- note | FROM | t")]
    [InlineData("SELECT 1 --\tnote\nFROM t", "SELECT | 1 | --\tnote | FROM | t")]
    [InlineData("SELECT 1 --\nFROM t", "SELECT | 1 | -- | FROM | t")]
    [InlineData("SELECT 1 --", "SELECT | 1 | --")]
    [InlineData("SELECT 1--2", "SELECT | 1 | - | - | 2")]
    [InlineData("SELECT 1 --'x' FROM t", "SELECT | 1 | - | - | 'x' | FROM | t")]
    public void NextWithComments_HashAndDashComments_AreTheServers(string sql, string tokens)
        => Assert.Equal(tokens, string.Join(" | ", Tokens(sql, withComments: true)));

    [Theory]
    [InlineData("'it\\'s'", "Literal")]
    [InlineData("'a\\\\'", "Literal")]
    [InlineData("'it''s'", "Literal")]
    [InlineData("\"say \\\"hi\\\"\"", "Literal")]
    [InlineData("\"it\"\"s\"", "Literal")]
    [InlineData("`a``b`", "QuotedIdentifier")]
    [InlineData("/* a /* b */", "BlockComment")]
    [InlineData("/*! 'x */ y' */", "BlockComment")]
    [InlineData("/*!40101 SET NAMES utf8 */", "BlockComment")]
    [InlineData("/*M!100000 SET @a = 'x' */", "BlockComment")]
    [InlineData("/*! 1 -- */\n */", "BlockComment")]
    [InlineData("/*! 1 # */\n */", "BlockComment")]
    [InlineData("/*! 1 /* */ 2 */", "BlockComment")]
    [InlineData("0x1F", "Literal")]
    [InlineData("0b101", "Literal")]
    [InlineData("a$b", "Word")]
    [InlineData("@name", "Placeholder")]
    [InlineData("?", "Placeholder")]
    [InlineData("?name", "Placeholder")]
    public void NextWithComments_OneToken_OfItsKind(string sql, string kind)
    {
        var lexer = new SqlLexer(sql, SqlDialect.MySql);
        var token = lexer.NextWithComments();

        Assert.Equal((Enum.Parse<SqlTokenKind>(kind), sql), (token.Kind, sql.Substring(token.Start, token.Length)));
        Assert.Equal(SqlTokenKind.End, lexer.NextWithComments().Kind);
        Assert.False(lexer.EndedUnterminated);
    }

    [Theory]
    [InlineData("SELECT [a] FROM t", "SELECT | [ | a | ] | FROM | t")]
    [InlineData("SELECT $a$ 'x' $a$", "SELECT | $ | a$ | 'x' | $ | a$")]
    [InlineData("SELECT :name, $1, @@version", "SELECT | : | name | , | $ | 1 | , | @ | @version")]
    [InlineData("SELECT E'x'", "SELECT | E | 'x'")]
    public void Next_WhatMySqlDoesNotHave_IsNotReadAsIfItDid(string sql, string tokens)
        => Assert.Equal(tokens, string.Join(" | ", Tokens(sql)));

    // The body of an executable comment runs: a */ inside its literal does not end it.
    [Theory]
    [InlineData("SELECT 1 /*! , 'secret */ hunter2' */ FROM t", "SELECT ? FROM t")]
    [InlineData("SELECT 1 /*!40101 , 'hunter2' */ /*M! , \"hunter2\" */ FROM t", "SELECT ? FROM t")]
    [InlineData("SELECT 1 /*! , 2 -- hunter2 */\n */ FROM t", "SELECT ? FROM t")]
    [InlineData("SELECT 1 /* a /* b */ , 'hunter2' FROM t", "SELECT ? , ? FROM t")]
    public void Sanitize_ExecutableAndPlainComments_HideWhatTheServerHides(string sql, string expected)
        => Assert.Equal(expected, QuerySanitizer.Sanitize(sql, SqlDialect.MySql));

    // A versioned comment runs on some servers and is a plain comment on others (MariaDB skips MySQL 5.7+ versions):
    // where the two readings end it in different places, everything after it is hidden, never half read as SQL.
    [Theory]
    [InlineData("SELECT 1 /*!50700 , 'a */ , 'hunter2' , 'b' */ , 2")]
    [InlineData("SELECT 1 /*!50700 , 2 /* x */ , 'a */ hunter2' */ , 3")]
    [InlineData("SELECT 1 /*M! , 'a */' */ , 'hunter2 */ hunter2'")]
    public void Sanitize_VersionedCommentReadTwoWays_HidesTheRest(string sql)
    {
        var lexer = new SqlLexer(sql, SqlDialect.MySql);
        while (lexer.NextWithComments().Kind != SqlTokenKind.End)
        {
        }

        Assert.Equal("SELECT ?", QuerySanitizer.Sanitize(sql, SqlDialect.MySql));
        Assert.True(lexer.EndedUnterminated);
    }

    [Theory]
    [InlineData("SELECT 'it\\'s hunter2', 'x'", "SELECT ?, ?")]
    [InlineData("SELECT 'C:\\\\', 'hunter2'", "SELECT ?, ?")]
    [InlineData("SELECT \"hunter2\", `hunter` FROM t", "SELECT ?, `hunter` FROM t")]
    [InlineData("SELECT X'736563', x'00', B'01', b'1', N'hunter2', n'x', 0x736563, 0b1", "SELECT ?, ?, ?, ?, ?, ?, ?, ?")]
    [InlineData("SELECT _utf8mb4'hunter2', _binary'x'", "SELECT _utf8mb4?, _binary?")]
    [InlineData("SELECT e'x'", "SELECT e?")]
    [InlineData("SELECT 1--4111111111111111", "SELECT ?--?")]
    [InlineData("SELECT a # hunter2\n, b", "SELECT a , b")]
    [InlineData("SELECT a FROM t WHERE b = @b AND c = ? AND d = ?d AND e = 'hunter2'", "SELECT a FROM t WHERE b = @b AND c = ? AND d = ?d AND e = ?")]
    public void Sanitize_MySqlLiterals_AreReplaced(string sql, string expected)
        => Assert.Equal(expected, QuerySanitizer.Sanitize(sql, SqlDialect.MySql));

    [Theory]
    [InlineData("INSERT INTO `order items` (a) VALUES ('x')", "insert", "order items")]
    [InlineData("REPLACE INTO shop.`users` (a) VALUES (1)", "insert", "shop.users")]
    [InlineData("SELECT * FROM \"users\"", "select", null)]
    [InlineData("CREATE TEMPORARY TABLE IF NOT EXISTS `t` (id INT)", "create_table", "t")]
    [InlineData("SELECT 1 # ; DELETE FROM users\nFROM dual", "select", "dual")]
    [InlineData("/*!40101 SET NAMES utf8mb4 */", null, null)]
    [InlineData("SELECT 1 /* a /* b */; DELETE FROM users", "batch", null)]
    public void Analyze_MySqlStatements_NamedAndTableAsTheServerReadsThem(string sql, string? kind, string? collection)
    {
        var info = StatementClassifier.Analyze(sql, SqlDialect.MySql);

        Assert.Equal((kind, collection), (info.Kind, info.Collection));
    }

    [Fact]
    public void Normalize_HashComment_KeepsItsLineBreak()
        => Assert.Equal("SELECT a # note\nFROM t", QueryTextNormalizer.Normalize("SELECT a   # note  \r\n   FROM t", SqlDialect.MySql));

    [Theory]
    [InlineData("SELECT 1 # mine", false)]
    [InlineData("SELECT 'it\\'s", false)]
    [InlineData("SELECT 1 /*! open", false)]
    [InlineData("SELECT 'a\\\\'", true)]
    [InlineData("SELECT 1--2", true)]
    public void TryComment_EndOfText_IsReadByMySqlsRules(string sql, bool commented)
    {
        using var activity = new Activity("test");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.Start();

        Assert.Equal(commented, SqlCommenter.TryComment(sql, SqlDialect.MySql, activity, out var text));
        Assert.True(!commented || text.EndsWith("*/", StringComparison.Ordinal), text);
    }

    [Fact]
    public void Classify_SameTextOnMySqlAndPostgres_IsCachedOncePerEngine()
    {
        var sql = $"SELECT \"{Guid.NewGuid()}\" FROM t";

        var mySql = StatementClassifier.Classify(sql, SqlDialect.MySql);
        var postgres = StatementClassifier.Classify(sql, SqlDialect.PostgreSql);

        Assert.Same(mySql, StatementClassifier.Classify(sql, SqlDialect.MySql));
        Assert.Equal((SqlDialect.MySql, SqlDialect.PostgreSql), (mySql.Dialect, postgres.Dialect));
        Assert.Equal("SELECT ? FROM t", mySql.SanitizedText);
        Assert.Equal(sql, postgres.SanitizedText);
    }

    private static List<string> Tokens(string sql, bool withComments = false)
    {
        var tokens = new List<string>();
        var lexer = new SqlLexer(sql, SqlDialect.MySql);
        for (var token = withComments ? lexer.NextWithComments() : lexer.Next();
             token.Kind != SqlTokenKind.End;
             token = withComments ? lexer.NextWithComments() : lexer.Next())
        {
            tokens.Add(sql.Substring(token.Start, token.Length));
        }

        return tokens;
    }
}
