using AopSqlTracing.Statements;

namespace AopSqlTracing.Tests.Statements;

/// <summary>
/// The one lexer's tokens, engine by engine: comments are tokens of their own (so the normaliser can keep them),
/// and placeholders are recognised outside literals, comments and quoted names by each engine's rules.
/// </summary>
public sealed class SqlLexerFixture
{
    [Fact]
    public void NextWithComments_LineComment_EndsBeforeItsLineBreakAndTrailingSpaces()
        => Assert.Equal(
            ["SELECT", "1", "-- note", "FROM", "/* a\n b */", "t"],
            Tokens("SELECT 1 -- note  \r\nFROM /* a\n b */ t", "other_sql", withComments: true).Select(token => token.Text));

    [Fact]
    public void Next_StepsOverComments()
        => Assert.Equal(["SELECT", "1", "FROM", "t"], Tokens("SELECT 1 -- note\nFROM /* a */ t", "other_sql").Select(token => token.Text));

    [Theory]
    [InlineData("sqlite", "/* a /* b */", " c */")]
    [InlineData("mariadb", "/* a /* b */", " c */")]
    [InlineData("postgresql", "/* a /* b */ c */", null)]
    [InlineData("other_sql", "/* a /* b */ c */", null)]
    public void NextWithComments_NestedBlockComment_EndsWhereTheEngineEndsIt(string engine, string comment, string? rest)
    {
        var tokens = Tokens("/* a /* b */ c */", engine, withComments: true);

        Assert.Equal((SqlTokenKind.BlockComment, comment), tokens[0]);
        Assert.Equal(rest is null ? 1 : 4, tokens.Count);
    }

    [Theory]
    [InlineData("sqlite", "? ?12 @a :b $c $d::e $f(g) @1", "? ?12 @a :b $c $d::e $f(g) @1")]
    [InlineData("postgresql", "? ?12 @a :b $c $1 @1 @@ @? a$b", "@a $1")]
    [InlineData("other_sql", "? ?12 @a :b $c $1 @1 x::int :1", "? ?12 @a :b $1")]
    [InlineData("mariadb", "? ?12 ?b @a :b $c $1 @1 x::int :1", "? ?12 ?b @a")]
    public void Next_Placeholders_AreThoseOfTheEngine(string engine, string sql, string placeholders)
        => Assert.Equal(
            placeholders,
            string.Join(" ", Tokens(sql, engine).Where(token => token.Kind == SqlTokenKind.Placeholder).Select(token => token.Text)));

    [Theory]
    [InlineData("other_sql")]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    [InlineData("mariadb")]
    public void Next_PlaceholderLookalikes_InsideLiteralsCommentsAndNames_AreNotPlaceholders(string engine)
        => Assert.DoesNotContain(
            Tokens("SELECT '@a ? :b $1', \"@c\" -- @d ?\n/* :e $2 */", engine),
            token => token.Kind == SqlTokenKind.Placeholder);

    [Theory]
    [InlineData("other_sql", "a$b", nameof(SqlTokenKind.Word))]
    [InlineData("postgresql", "a$b", nameof(SqlTokenKind.Word))]
    [InlineData("sqlite", "a$b", nameof(SqlTokenKind.Word))]
    [InlineData("postgresql", "$q$ x $q$", nameof(SqlTokenKind.Literal))]
    [InlineData("other_sql", "$q$ x $q$", nameof(SqlTokenKind.Literal))]
    [InlineData("sqlite", "$q$", nameof(SqlTokenKind.Placeholder))]
    [InlineData("sqlite", "`x y`", nameof(SqlTokenKind.QuotedIdentifier))]
    [InlineData("postgresql", "3.5e-2", nameof(SqlTokenKind.Literal))]
    public void Next_OneToken_OfItsKind(string engine, string sql, string kind)
    {
        var tokens = Tokens(sql, engine);

        Assert.Equal((Enum.Parse<SqlTokenKind>(kind), sql), Assert.Single(tokens));
    }

    [Theory]
    [InlineData("postgresql", "E | 'it\\'s' | , | 'x'")]
    [InlineData("other_sql", "E | 'it\\'s' | , | 'x'")]
    [InlineData("sqlite", "E | 'it\\' | s | ', ' | x | '")]
    [InlineData("mariadb", "E | 'it\\'s' | , | 'x'")]
    public void Next_BackslashBeforeAQuote_EscapesItInPostgresEscapeStringsAndEveryMySqlString(string engine, string tokens)
        => Assert.Equal(tokens, string.Join(" | ", Tokens("E'it\\'s', 'x'", engine).Select(token => token.Text)));

    [Fact]
    public void Next_PostgresBacktick_IsNotAQuote()
        => Assert.Equal(
            [SqlTokenKind.Other, SqlTokenKind.Literal, SqlTokenKind.Other],
            Tokens("` 'secret' `", "postgresql").Select(token => token.Kind));

    [Theory]
    [InlineData("other_sql", "SELECT 'open", true)]
    [InlineData("other_sql", "SELECT /* a /* b */", true)]
    [InlineData("sqlite", "SELECT /* a /* b */", false)]
    [InlineData("sqlite", "SELECT [open", true)]
    [InlineData("postgresql", "SELECT ARRAY[open", false)]
    [InlineData("postgresql", "SELECT $x$ open", true)]
    [InlineData("postgresql", "SELECT 1 -- open", false)]
    public void EndedUnterminated_IsTheEnginesReading(string engine, string sql, bool unterminated)
    {
        var lexer = new SqlLexer(sql, SqlDialects.Of(engine));
        while (lexer.NextWithComments().Kind != SqlTokenKind.End)
        {
        }

        Assert.Equal(unterminated, lexer.EndedUnterminated);
    }

    private static List<(SqlTokenKind Kind, string Text)> Tokens(string sql, string engine, bool withComments = false)
    {
        var tokens = new List<(SqlTokenKind, string)>();
        var lexer = new SqlLexer(sql, SqlDialects.Of(engine));
        for (var token = withComments ? lexer.NextWithComments() : lexer.Next();
             token.Kind != SqlTokenKind.End;
             token = withComments ? lexer.NextWithComments() : lexer.Next())
        {
            tokens.Add((token.Kind, sql.Substring(token.Start, token.Length)));
        }

        return tokens;
    }
}
