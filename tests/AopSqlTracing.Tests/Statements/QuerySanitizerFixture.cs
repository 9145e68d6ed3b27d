using AopSqlTracing.Statements;

namespace AopSqlTracing.Tests.Statements;

/// <summary>
/// Sanitising replaces every literal with <c>?</c> and drops comments, reading the text by each engine's rules:
/// nothing a comment ends too early or too late, and nothing in an array bracket, keeps a value in the span.
/// </summary>
public sealed class QuerySanitizerFixture
{
    // Engines by their db.system.name, as the execution path picks a dialect.
    public static TheoryData<string> Engines => ["other_sql", "sqlite", "postgresql", "mariadb"];

    [Theory]
    [MemberData(nameof(Engines))]
    public void Sanitize_TokensAfterALineComment_AreKept(string engine)
    {
        Assert.Equal("SELECT id FROM users WHERE score < ?", QuerySanitizer.Sanitize("SELECT id FROM users -- note\nWHERE score < 5", SqlDialects.Of(engine)));
        Assert.Equal("SELECT id FROM users WHERE id = @id", QuerySanitizer.Sanitize("SELECT id -- the key\r\nFROM users WHERE id = @id", SqlDialects.Of(engine)));
    }

    // The span's text is sanitised from the normalised text: a normaliser that joined the lines lost the rest.
    [Theory]
    [MemberData(nameof(Engines))]
    public void SanitizedText_TokensAfterALineComment_AreKept(string engine)
    {
        Assert.Equal("SELECT id FROM users WHERE score < ?", StatementClassifier.Analyze("SELECT id FROM users -- note\nWHERE score < 5", SqlDialects.Of(engine)).SanitizedText);
        Assert.Equal("SELECT id FROM users WHERE id = @id", StatementClassifier.Analyze("SELECT id -- the key\nFROM users WHERE id = @id", SqlDialects.Of(engine)).SanitizedText);
    }

    [Fact]
    public void Sanitize_SqliteBlockComments_DoNotNest_SoTheSecondStatementIsKept()
        => Assert.Equal("SELECT ? ; DELETE FROM users", QuerySanitizer.Sanitize("SELECT 1 /* note /* inner */; DELETE FROM users", SqlDialect.Sqlite));

    [Theory]
    [InlineData("postgresql")]
    [InlineData("other_sql")]
    public void Sanitize_NestingBlockComments_HideEverythingUpToTheOuterEnd(string engine)
        => Assert.Equal("SELECT ? , ?", QuerySanitizer.Sanitize("SELECT 1 /* outer /* inner */ hunter2 */, 'x'", SqlDialects.Of(engine)));

    [Theory]
    [InlineData("SELECT ARRAY[ 4111111111111111 ]", "SELECT ARRAY[ ? ]")]
    [InlineData("SELECT ARRAY[-987654321]", "SELECT ARRAY[-?]")]
    [InlineData("SELECT ARRAY[+123456789]", "SELECT ARRAY[+?]")]
    [InlineData("SELECT ARRAY[4111111111111111, 5555]", "SELECT ARRAY[?, ?]")]
    [InlineData("SELECT a[1:2], b[3] FROM t", "SELECT a[?:?], b[?] FROM t")]
    [InlineData("SELECT ARRAY[secret] FROM t", "SELECT ARRAY[secret] FROM t")]
    public void Sanitize_PostgresArrayBrackets_HoldValues(string sql, string expected)
        => Assert.Equal(expected, QuerySanitizer.Sanitize(sql, SqlDialect.PostgreSql));

    [Theory]
    [InlineData("SELECT [order], [user name] FROM [t]")]
    [InlineData("SELECT [42] FROM t")]
    public void Sanitize_SqliteBrackets_AreQuotedNames(string sql)
        => Assert.Equal(sql, QuerySanitizer.Sanitize(sql, SqlDialect.Sqlite));

    [Theory]
    [InlineData("SELECT [order] FROM [t]", "SELECT [order] FROM [t]")]
    [InlineData("SELECT ARRAY[ 4111111111111111 ]", "SELECT ARRAY[ ? ]")]
    [InlineData("SELECT ARRAY[-987654321]", "SELECT ARRAY[-?]")]
    [InlineData("SELECT a[1:2] FROM t", "SELECT a[?:?] FROM t")]
    public void Sanitize_GenericBrackets_AreNamesOnlyWhenTheyHoldAName(string sql, string expected)
        => Assert.Equal(expected, QuerySanitizer.Sanitize(sql, SqlDialect.Generic));

    [Theory]
    [InlineData("SELECT data ? 'secret_A' FROM t", "SELECT data ? ? FROM t")]
    [InlineData("SELECT data ?| array['secret_B'] FROM t", "SELECT data ?| array[?] FROM t")]
    [InlineData("SELECT data ?& array['secret_C'] FROM t", "SELECT data ?& array[?] FROM t")]
    [InlineData("SELECT data @? '$.secret_D' FROM t", "SELECT data @? ? FROM t")]
    [InlineData("SELECT p ?- lseg '((0,0),(1,1))' FROM t", "SELECT p ?- lseg ? FROM t")]
    [InlineData("SELECT v @@ 'secret_E' FROM t", "SELECT v @@ ? FROM t")]
    [InlineData("SELECT a <@ ARRAY[1234] FROM t", "SELECT a <@ ARRAY[?] FROM t")]
    [InlineData("SELECT a @> ARRAY[1234] FROM t", "SELECT a @> ARRAY[?] FROM t")]
    [InlineData("SELECT '{\"a\":1}'::jsonb ? 'secret_A', 'ssn-111-22-3333'", "SELECT ?::jsonb ? ?, ?")]
    [InlineData("SELECT a$b, 'x' FROM t WHERE id = @id AND n = $1", "SELECT a$b, ? FROM t WHERE id = @id AND n = $1")]
    [InlineData("SELECT ?1, :1, @1 FROM t", "SELECT ??, :?, @? FROM t")]
    public void Sanitize_PostgresOperators_KeepTheOperatorAndReplaceTheValues(string sql, string expected)
        => Assert.Equal(expected, QuerySanitizer.Sanitize(sql, SqlDialect.PostgreSql));

    [Theory]
    [InlineData("SELECT ?, ?7, :a, @b, $c, $d::e, $f(g) FROM t WHERE x = 3", "SELECT ?, ?7, :a, @b, $c, $d::e, $f(g) FROM t WHERE x = ?")]
    [InlineData("SELECT :1, @1, $1 FROM t", "SELECT :1, @1, $1 FROM t")]
    [InlineData("SELECT $a('secret', 3", "SELECT ? ?")]
    [InlineData("SELECT E'x', N'y', X'ff'", "SELECT E?, N?, ?")]
    public void Sanitize_SqlitePlaceholders_AreKeptAsWritten(string sql, string expected)
        => Assert.Equal(expected, QuerySanitizer.Sanitize(sql, SqlDialect.Sqlite));

    [Theory]
    [InlineData("SELECT ?, ?7, :a, @b, $1 FROM t WHERE x = 3", "SELECT ?, ?7, :a, @b, $1 FROM t WHERE x = ?")]
    [InlineData("SELECT x::int, a[1:2]", "SELECT x::int, a[?:?]")]
    [InlineData("SELECT E'x', N'y', X'ff', B'01'", "SELECT ?, ?, ?, ?")]
    public void Sanitize_GenericPlaceholders_AreKeptAsWritten(string sql, string expected)
        => Assert.Equal(expected, QuerySanitizer.Sanitize(sql, SqlDialect.Generic));

    // Found by Sanitize_WellFormedText_KeepsNoLiteralBodyAndNoQuote: a number ending in E once took the first dash
    // of a comment for its exponent's sign, and the comment's quote then opened a string that swallowed the SQL.
    [Theory]
    [MemberData(nameof(Engines))]
    public void Sanitize_CommentRightAfterANumber_IsStillAComment(string engine)
    {
        Assert.Equal("SELECT ? ?", QuerySanitizer.Sanitize("SELECT 42E-- it's\n'hunter2'", SqlDialects.Of(engine)));
        Assert.Equal("SELECT ?, ?", QuerySanitizer.Sanitize("SELECT 1e-5, 3.5E+2", SqlDialects.Of(engine)));
    }

    // A setting's value is a literal to the engine even written as a bare word or a quoted name, and it is where
    // applications put keys and tokens; DEFAULT is a keyword, not a value.
    [Theory]
    [InlineData("postgresql", "SET application_name TO SEKRIT90", "SET application_name TO ?")]
    [InlineData("postgresql", "SET SESSION myapp.api_key TO word", "SET SESSION myapp.api_key TO ?")]
    [InlineData("postgresql", "SET LOCAL myapp.api_key = word", "SET LOCAL myapp.api_key = ?")]
    [InlineData("postgresql", "set myapp.api_key=word;", "set myapp.api_key=?;")]
    [InlineData("postgresql", "SET myapp.api_key TO \"SEKRIT90\"", "SET myapp.api_key TO ?")]
    [InlineData("postgresql", "SET search_path TO \"$user\", secret_schema, 'x'", "SET search_path TO ?, ?, ?")]
    [InlineData("postgresql", "SELECT 1; SET myapp.api_key TO word; SELECT 2", "SELECT ?; SET myapp.api_key TO ?; SELECT ?")]
    [InlineData("postgresql", "SET /* key */ myapp.api_key -- why\nTO word", "SET myapp.api_key TO ?")]
    [InlineData("postgresql", "ALTER ROLE app SET myapp.api_key TO word", "ALTER ROLE app SET myapp.api_key TO ?")]
    [InlineData("postgresql", "ALTER ROLE app IN DATABASE d SET myapp.api_key = word", "ALTER ROLE app IN DATABASE d SET myapp.api_key = ?")]
    [InlineData("postgresql", "ALTER DATABASE d SET myapp.api_key = word", "ALTER DATABASE d SET myapp.api_key = ?")]
    [InlineData("postgresql", "ALTER SYSTEM SET myapp.api_key TO word", "ALTER SYSTEM SET myapp.api_key TO ?")]
    [InlineData("postgresql", "SET myapp.api_key TO DEFAULT", "SET myapp.api_key TO DEFAULT")]
    [InlineData("mariadb", "SET @@session.default_master_connection = SEKRIT90", "SET @@session.default_master_connection = ?")]
    [InlineData("mariadb", "SET SESSION sql_mode = word", "SET SESSION sql_mode = ?")]
    [InlineData("mariadb", "SET default_master_connection = `SEKRIT90`", "SET default_master_connection = ?")]
    [InlineData("mariadb", "SET @a := word, GLOBAL x = other, @@y = @v", "SET @a := ?, GLOBAL x = ?, @@y = @v")]
    [InlineData("mariadb", "SET STATEMENT x = word FOR SELECT a FROM t WHERE b = c", "SET STATEMENT x = ? FOR SELECT a FROM t WHERE b = c")]
    [InlineData("mariadb", "SET x = DEFAULT", "SET x = DEFAULT")]
    [InlineData("sqlite", "PRAGMA myapp_api_key = SEKRIT90", "PRAGMA myapp_api_key = ?")]
    [InlineData("sqlite", "PRAGMA main.journal_mode = WAL", "PRAGMA main.journal_mode = ?")]
    [InlineData("sqlite", "PRAGMA key = [SEKRIT90]", "PRAGMA key = ?")]
    [InlineData("other_sql", "SET x = word", "SET x = ?")]
    [InlineData("other_sql", "SET x TO word", "SET x TO ?")]
    [InlineData("other_sql", "PRAGMA x = word", "PRAGMA x = ?")]
    public void Sanitize_SettingValueWrittenAsAWord_IsReplaced(string engine, string sql, string expected)
        => Assert.Equal(expected, QuerySanitizer.Sanitize(sql, SqlDialects.Of(engine)));

    // Names that only look like setting values, on every engine: columns an UPDATE assigns, expressions, and
    // statements that set something without a value.
    public static TheoryData<string, string> NotSettingValues
    {
        get
        {
            string[] statements =
            [
                "UPDATE t SET a = b, c = d WHERE e = f",
                "INSERT INTO t (a) SELECT b FROM s ON CONFLICT (a) DO UPDATE SET a = excluded.a",
                "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
                "SET NAMES utf8mb4",
                "SET ROLE app",
                "ALTER TABLE t ALTER COLUMN c SET DEFAULT now",
                "ALTER ROLE app RENAME TO other",
                "SET x = lower(y), z = a.b",
                "PRAGMA table_info(users)",
            ];
            var data = new TheoryData<string, string>();
            foreach (var engine in Engines)
            {
                foreach (var sql in statements)
                {
                    data.Add(engine, sql);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(NotSettingValues))]
    public void Sanitize_NamesThatAreNotSettingValues_AreKept(string engine, string sql)
        => Assert.Equal(sql, QuerySanitizer.Sanitize(sql, SqlDialects.Of(engine)));

    [Fact]
    public void Sanitize_TextWithoutLiteralsOrComments_IsTheSameString()
    {
        const string sql = "SELECT name FROM users WHERE id = @id";

        Assert.Same(sql, QuerySanitizer.Sanitize(sql, SqlDialect.Sqlite));
    }
}
