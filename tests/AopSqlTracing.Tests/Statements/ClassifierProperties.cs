using AopSqlTracing.Statements;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AopSqlTracing.Tests.Statements;

/// <summary>Properties of the SQL classifier and sanitiser over arbitrary text: they always answer and never throw.</summary>
public sealed class ClassifierProperties
{
    // Pieces that stress the lexer: quotes, comments and dollar quotes, terminated or not, NUL and non-BMP characters.
    private static readonly string[] Fragments =
    [
        "'", "''", "\"", "`", "[", "]", "--", "/*", "*/", "$$", "$tag$", "$1", "?", ":", "@p", ";", "(", ")", "\n", "\0",
        "\U0001F600", "\uD800", "SELECT", "select", "WITH", "FROM", "INSERT", "INTO", "CREATE", "TABLE", "x'ff'", "0x1F",
        "42", "3.5e2", " ", "\t", "users", "E'\\n'",
    ];

    private static Arbitrary<string> SqlLike() =>
        Gen.ArrayOf(Gen.OneOf(Gen.Elements(Fragments), ArbMap.Default.GeneratorFor<string>().Where(s => s is not null)))
            .Select(parts => string.Concat(parts))
            .ToArbitrary();

    [Property(MaxTest = 500)]
    public Property Classify_AnyText_GivesAKindAndNeverThrows()
        => Prop.ForAll(SqlLike(), text =>
        {
            var info = StatementClassifier.Analyze(text);
            return !string.IsNullOrEmpty(info.Kind) && info.NormalizedText is not null;
        });

    [Property(MaxTest = 500)]
    public Property Sanitize_AnyText_NeverThrowsAndNeverGrowsPastTheText()
        => Prop.ForAll(SqlLike(), text =>
        {
            var sanitized = QuerySanitizer.Sanitize(text);
            return sanitized.Length <= text.Length + 1;
        });

    [Property(MaxTest = 500)]
    public Property Sanitize_StringLiteral_IsReplacedWhateverItHolds(NonNull<string> value)
    {
        var quoted = "'" + value.Get.Replace("'", "''", StringComparison.Ordinal) + "'";
        return (QuerySanitizer.Sanitize($"SELECT * FROM t WHERE x = {quoted}") == "SELECT * FROM t WHERE x = ?").ToProperty();
    }

    [Property(MaxTest = 500)]
    public Property Sanitize_NumberLiteral_IsReplaced(long number, PositiveInt scale)
        => (QuerySanitizer.Sanitize($"UPDATE t SET a = {number}, b = {scale.Get}.25 WHERE id = $1")
            == $"UPDATE t SET a = {(number < 0 ? "-" : string.Empty)}?, b = ? WHERE id = $1").ToProperty();

    [Fact]
    public void HugeAndHostileInputs_AreHandled()
    {
        var huge = "SELECT '" + new string('x', 2_000_000);
        var nested = string.Concat(Enumerable.Repeat("/* /* (", 100_000));

        Assert.Equal("select", StatementClassifier.Analyze(huge).Kind);
        Assert.Equal("SELECT ?", QuerySanitizer.Sanitize(huge));
        Assert.Equal("textclause", StatementClassifier.Analyze(nested).Kind);
        Assert.Equal(string.Empty, QuerySanitizer.Sanitize(nested));
        Assert.Equal("SELECT ?", QuerySanitizer.Sanitize("SELECT $body$ it's ' \" -- not a comment $body$"));
        Assert.Equal("select", StatementClassifier.Classify(null).Kind == "textclause" ? "select" : "bad");
    }
}
