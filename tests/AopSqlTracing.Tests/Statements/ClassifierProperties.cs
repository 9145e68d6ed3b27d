using AopSqlTracing.Statements;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AopSqlTracing.Tests.Statements;

/// <summary>
/// Properties of the classifier, the normaliser and the sanitiser over arbitrary text on every engine: each
/// checks something computed from the input, never only that an answer came back.
/// </summary>
public sealed class ClassifierProperties
{
    private static readonly SqlDialect[] AllDialects = Enum.GetValues<SqlDialect>();

    // Pieces that stress the lexer: quotes, comments and dollar quotes, terminated or not, NUL and non-BMP characters.
    private static readonly string[] Fragments =
    [
        "'", "''", "\"", "`", "[", "]", "--", "/*", "*/", "$$", "$tag$", "$1", "?", ":", "@p", ";", "(", ")", "\n", "\r", "\r\n", "\0",
        "\U0001F600", "\uD800", "\u00A0", "SELECT", "select", "WITH", "FROM", "INSERT", "INTO", "CREATE", "TABLE", "x'ff'", "0x1F",
        "42", "3.5e2", " ", "\t", "users", "E'\\n'", "E'\\''", "-- c\n", "/* a /* b */", "$a(", "::", "[t]", "a$b",
        "#", "# c\n", "--x", "/*!", "/*!50700", "/*M!", "\\", "\\'", "b'01'", "0b1",
    ];

    // Complete tokens only (no quote or bracket left open, no comment or dollar quote made of two fragments, no "("
    // right after a SQLite variable, which would start a Tcl-style name), so every ' in a text made of them belongs
    // to a literal.
    private static readonly string[] WellFormedFragments =
    [
        "SELECT", "FROM", "WHERE", "users", "\"users\"", "[t]", "`x`", "a$b", "=", "<", "?", "?|", "@>", "<@", "@@", "::", ":",
        "@", "$1", "@p", ":p", "?1", "$q$ x $q$", " (", ")", ",", ";", ".", "- ", "+", "* ", "/ ", "42", "-7", "3.5e-2", "0x1F",
        " ", "\n", "\r\n", "\t", "-- it's\n", "/* it's */", "/* a /* b */ c */", "E", "X", "ARRAY[1, -2]", "a[1:2]",
        "/*! 1 */", "/*!40101 1 */", "`a``b`",
    ];

    private static readonly HashSet<string> KnownKinds =
    [
        "select", "insert", "update", "delete", "truncate", "call", "execute", "batch",
        .. from verb in new[] { "create", "drop", "alter" }
           from type in new[] { "table", "index", "view", "trigger", "schema", "sequence", "database", "function", "procedure", "type", "extension" }
           select verb + "_" + type,
    ];

    private static Gen<string> SqlLike() =>
        Gen.ArrayOf(Gen.OneOf(Gen.Elements(Fragments), ArbMap.Default.GeneratorFor<string>().Where(s => s is not null)))
            .Select(parts => string.Concat(parts));

    private static Arbitrary<(string Text, SqlDialect Dialect)> AnyTextOnAnyEngine() =>
        (from text in SqlLike() from dialect in Gen.Elements(AllDialects) select (text, dialect)).ToArbitrary();

    // A literal's body: marked with § (which no fragment holds) and free of line breaks (which could end a comment
    // that a fragment never opens, but a line break inside a literal must not be able to matter either way).
    // Backslashes doubled too, as MySQL wants them written; elsewhere a doubled backslash is two characters.
    private static Gen<string> Literal() =>
        ArbMap.Default.GeneratorFor<string>()
            .Where(s => s is not null)
            .Select(s => " '§" + s.Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal)
                .Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "§'");

    private static Arbitrary<(string Text, SqlDialect Dialect)> WellFormedOnAnyEngine() =>
        (from parts in Gen.ArrayOf(Gen.Frequency((3, Gen.Elements(WellFormedFragments)), (1, Literal())))
         from dialect in Gen.Elements(AllDialects)
         select (string.Concat(parts), dialect)).ToArbitrary();

    [Property(MaxTest = 1000)]
    public Property Analyze_AnyText_GivesAKnownKindMatchingItsOperation()
        => Prop.ForAll(AnyTextOnAnyEngine(), input =>
        {
            var info = StatementClassifier.Analyze(input.Text, input.Dialect);
            // A statement without a grammar is named by a keyword, a script by its statements, other text not at all.
            var kindKnown = info.Kind is null || KnownKinds.Contains(info.Kind)
                || (StatementKeywords.TryGet(info.Kind, out _, out var keywordKind) && keywordKind == info.Kind);
            var operationMatches = info.Operation is null
                ? info.Summary is null || info.Kind is not null
                : info.Kind == info.Operation.ToLowerInvariant().Replace(' ', '_') && info.Summary!.StartsWith(info.Operation, StringComparison.Ordinal);
            return kindKnown && info.Kind != "textclause" && operationMatches
                && info.NormalizedText == QueryTextNormalizer.Normalize(input.Text, input.Dialect) && info.Dialect == input.Dialect;
        });

    [Property(MaxTest = 1000)]
    public Property Normalize_AnyText_IsIdempotent()
        => Prop.ForAll(AnyTextOnAnyEngine(), input =>
        {
            var once = QueryTextNormalizer.Normalize(input.Text, input.Dialect);
            return QueryTextNormalizer.Normalize(once, input.Dialect) == once;
        });

    [Property(MaxTest = 1000)]
    public Property Normalize_AnyText_KeepsEveryTokenAndCommentAsWritten()
        => Prop.ForAll(AnyTextOnAnyEngine(), input =>
            Tokens(input.Text, input.Dialect).SequenceEqual(Tokens(QueryTextNormalizer.Normalize(input.Text, input.Dialect), input.Dialect)));

    [Property(MaxTest = 1000)]
    public Property Sanitize_AnyText_IsTheSameWhetherNormalisedFirstOrNot()
        => Prop.ForAll(AnyTextOnAnyEngine(), input =>
            QuerySanitizer.Sanitize(QueryTextNormalizer.Normalize(input.Text, input.Dialect), input.Dialect)
                == QuerySanitizer.Sanitize(input.Text, input.Dialect));

    [Property(MaxTest = 1000)]
    public Property Sanitize_AnyText_NeverGrowsPastTheText()
        => Prop.ForAll(AnyTextOnAnyEngine(), input => QuerySanitizer.Sanitize(input.Text, input.Dialect).Length <= input.Text.Length + 1);

    [Property(MaxTest = 1000)]
    public Property Sanitize_WellFormedText_KeepsNoLiteralBodyAndNoQuote()
        => Prop.ForAll(WellFormedOnAnyEngine(), input =>
        {
            var sanitized = QuerySanitizer.Sanitize(input.Text, input.Dialect);
            return (!sanitized.Contains('§', StringComparison.Ordinal) && !sanitized.Contains('\'', StringComparison.Ordinal))
                .Label($"«{sanitized}» on {input.Dialect}");
        });

    [Property(MaxTest = 500)]
    public Property Sanitize_StringLiteral_IsReplacedWhateverItHolds(NonNull<string> value)
    {
        // Quoted as each engine wants it: MySQL also escapes backslashes.
        string Quoted(SqlDialect dialect)
            => "'" + (dialect == SqlDialect.MySql ? value.Get.Replace("\\", "\\\\", StringComparison.Ordinal) : value.Get).Replace("'", "''", StringComparison.Ordinal) + "'";
        return AllDialects.All(dialect => QuerySanitizer.Sanitize($"SELECT * FROM t WHERE x = {Quoted(dialect)}", dialect) == "SELECT * FROM t WHERE x = ?").ToProperty();
    }

    [Property(MaxTest = 500)]
    public Property Sanitize_NumberLiteral_IsReplaced(long number, PositiveInt scale)
        => (QuerySanitizer.Sanitize($"UPDATE t SET a = {number}, b = {scale.Get}.25 WHERE id = $1")
            == $"UPDATE t SET a = {(number < 0 ? "-" : string.Empty)}?, b = ? WHERE id = $1").ToProperty();

    // Any word the engine would take as a setting's value, however it is spelt, is replaced on every engine.
    [Property(MaxTest = 500)]
    public Property Sanitize_SettingValueWord_IsReplacedWhateverTheWord()
    {
        var words =
            from first in Gen.Elements("abcxyzABCXYZ_".ToCharArray())
            from rest in Gen.ArrayOf(Gen.Elements("abzAZ09_$".ToCharArray()))
            select first + new string(rest);
        return Prop.ForAll(
            words.Where(word => !word.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase)).ToArbitrary(),
            word => AllDialects.All(dialect =>
                    QuerySanitizer.Sanitize($"SET app.key TO {word}", dialect) == "SET app.key TO ?"
                    && QuerySanitizer.Sanitize($"SET @@session.key = {word}, other = {word}", dialect) == "SET @@session.key = ?, other = ?"
                    && QuerySanitizer.Sanitize($"PRAGMA main.key = {word};", dialect) == "PRAGMA main.key = ?;")
                .Label(word));
    }

    [Fact]
    public void HugeAndHostileInputs_AreHandled()
    {
        var huge = "SELECT '" + new string('x', 2_000_000);
        var nested = string.Concat(Enumerable.Repeat("/* /* (", 100_000));

        Assert.Equal("select", StatementClassifier.Analyze(huge).Kind);
        Assert.Equal("SELECT ?", QuerySanitizer.Sanitize(huge));
        Assert.Null(StatementClassifier.Analyze(nested).Kind);
        Assert.Equal(string.Empty, QuerySanitizer.Sanitize(nested));
        Assert.Equal("SELECT ?", QuerySanitizer.Sanitize("SELECT $body$ it's ' \" -- not a comment $body$"));

        var none = StatementClassifier.Classify(null, SqlDialect.Generic);
        Assert.Null(none.Kind);
        Assert.Null(none.Operation);
        Assert.Equal(string.Empty, none.NormalizedText);
        Assert.Equal(string.Empty, none.SanitizedText);
        Assert.Same(none, StatementClassifier.Classify(string.Empty, SqlDialect.PostgreSql));
    }

    private static List<string> Tokens(string text, SqlDialect dialect)
    {
        var tokens = new List<string>();
        var lexer = new SqlLexer(text, dialect);
        for (var token = lexer.NextWithComments(); token.Kind != SqlTokenKind.End; token = lexer.NextWithComments())
        {
            tokens.Add($"{token.Kind}:{text.Substring(token.Start, token.Length)}");
        }

        return tokens;
    }
}
