using AopSqlTracing.Statements;

namespace AopSqlTracing.Tests.Statements;

/// <summary>
/// Normalising collapses whitespace between tokens and nothing else: literals, quoted names and comments stay as
/// written, and a <c>--</c> comment keeps its line break, so the normalised text is still the same SQL.
/// </summary>
public sealed class QueryTextNormalizerFixture
{
    // Engines by their db.system.name, as the execution path picks a dialect.
    public static TheoryData<string> Engines => ["other_sql", "sqlite", "postgresql", "mariadb"];

    [Theory]
    [MemberData(nameof(Engines))]
    public void Normalize_LineCommentBeforeMoreSql_KeepsOneLineBreak(string engine)
    {
        Assert.Equal("SELECT id FROM users -- note\nWHERE score < 5", QueryTextNormalizer.Normalize("SELECT id FROM users -- note\nWHERE score < 5", SqlDialects.Of(engine)));
        Assert.Equal("SELECT id -- the key\nFROM users WHERE id = @id", QueryTextNormalizer.Normalize("SELECT id -- the key\n    FROM users\n    WHERE id = @id", SqlDialects.Of(engine)));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Normalize_CrLfLineEnds_BecomeOneLineBreakAfterAComment_AndASpaceElsewhere(string engine)
        => Assert.Equal(
            "SELECT id -- the key\nFROM users WHERE id = ?",
            QueryTextNormalizer.Normalize("SELECT id -- the key  \r\nFROM users\r\n\tWHERE id = ?\r\n", SqlDialects.Of(engine)));

    [Theory]
    [MemberData(nameof(Engines))]
    public void Normalize_LineCommentAtTheVeryEnd_IsKeptWithoutALineBreak(string engine)
    {
        Assert.Equal("SELECT 1 -- last", QueryTextNormalizer.Normalize("SELECT 1 -- last\n\n", SqlDialects.Of(engine)));
        Assert.Equal("SELECT 1 --", QueryTextNormalizer.Normalize("SELECT 1 --", SqlDialects.Of(engine)));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Normalize_DashesInsideAString_AreNotAComment(string engine)
        => Assert.Equal("SELECT 'a -- b', 2 FROM t", QueryTextNormalizer.Normalize("SELECT 'a -- b',\n  2\nFROM t", SqlDialects.Of(engine)));

    [Theory]
    [MemberData(nameof(Engines))]
    public void Normalize_BlockCommentSpanningLines_IsKeptAsWritten(string engine)
        => Assert.Equal("SELECT /* one\n   two */ 1 FROM t", QueryTextNormalizer.Normalize("SELECT /* one\n   two */\n 1\n FROM t", SqlDialects.Of(engine)));

    [Fact]
    public void Normalize_PostgresEscapeString_KeepsItsBodyWhateverItHolds()
        => Assert.Equal(
            "SELECT E'it\\'s  -- not\n a comment', 2",
            QueryTextNormalizer.Normalize("SELECT E'it\\'s  -- not\n a comment',\n 2", SqlDialect.PostgreSql));

    [Fact]
    public void Normalize_PostgresDollarQuotes_KeepTheirBodyWhateverItHolds()
        => Assert.Equal(
            "SELECT $tag$ it's -- not\n  a comment $tag$, $$x  y$$",
            QueryTextNormalizer.Normalize("SELECT $tag$ it's -- not\n  a comment $tag$,\n\n $$x  y$$", SqlDialect.PostgreSql));

    [Fact]
    public void Normalize_PostgresLoneCarriageReturn_EndsALineComment()
        => Assert.Equal("SELECT 1 -- note\nFROM t", QueryTextNormalizer.Normalize("SELECT 1 -- note\rFROM t", SqlDialect.PostgreSql));

    [Fact]
    public void Normalize_SqliteLoneCarriageReturn_StaysInsideTheLineComment()
        => Assert.Equal("SELECT 1 -- note\rFROM t", QueryTextNormalizer.Normalize("SELECT 1 -- note\rFROM t", SqlDialect.Sqlite));

    [Fact]
    public void Normalize_TidyText_IsTheSameStringAndAllocatesNothing()
    {
        const string tidy = "SELECT name FROM users WHERE id = @id -- by id\nAND 'a  b' = $1";
        QueryTextNormalizer.Normalize(tidy, SqlDialect.PostgreSql);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var normalized = QueryTextNormalizer.Normalize(tidy, SqlDialect.PostgreSql);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Same(tidy, normalized);
        Assert.Equal(0, allocated);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Normalize_OnlyWhitespace_IsEmpty(string engine)
        => Assert.Equal(string.Empty, QueryTextNormalizer.Normalize(" \r\n\t ", SqlDialects.Of(engine)));
}
