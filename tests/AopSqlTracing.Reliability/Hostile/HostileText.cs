using FsCheck;
using FsCheck.Fluent;

namespace AopSqlTracing.Reliability.Hostile;

/// <summary>
/// SQL-shaped text that stresses a lexer: quotes, comments and dollar quotes (nested, terminated or not), NUL,
/// non-BMP characters and lone surrogates, keywords, literals, placeholders and the operators engines make of
/// <c>?</c>, <c>@</c>, <c>$</c> and <c>[</c>, MySQL's <c>#</c> comments, executable comments and backslash escapes,
/// mixed with arbitrary strings.
/// </summary>
public static class HostileText
{
    private static readonly string[] Fragments =
    [
        "'", "''", "\"", "\"\"", "`", "[", "]", "--", "-- x\n", "/*", "*/", "/* /* */", "/* a /* b */ c */", "$$", "$tag$",
        "$a$ it's $a$", "$1", "$", "?", "?1", ":name", "@p", ";", "; ;", "(", ")", "((((", "))))", ",", ".", "\n", "\r\n", "\t", " ",
        "\0", "\U0001F600", "\U00010348", "\uD800", "\uDC00", "\uFFFF", "é", "SELECT", "select", "WITH", "RECURSIVE", "FROM",
        "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "CREATE", "TEMP", "TABLE", "INDEX", "VIEW", "DROP", "ALTER",
        "OR", "REPLACE", "ONLY", "IF", "NOT", "EXISTS", "ON", "TRUNCATE", "users", "\"users\"", "[t]", "x'ff'", "X'", "0x1F",
        "42", "3.5e2", "-7", "1.", ".5", "E'\\''", "E'\\n'", "N'x'", "B'01'", "U&'d\\0061t'", "e'", "'it''s'", "'unterminated",
        "?|", "?&", "@?", "?-", "@@", "<@", "@>", "::", "a$b", "ARRAY[", "[1:2]", "$a(", "$a::b", "\r", "-- x\r", "\u00A0", "\f",
        "#", "# x\n", "--x", "/*!", "/*!50700 ", "/*M!", "\\'", "\\\\", "b'1'", "0b1", "`a``b`",
    ];

    /// <summary>Concatenations of fragments and arbitrary strings.</summary>
    public static Arbitrary<string> Arbitrary() =>
        Gen.ArrayOf(Gen.OneOf(Gen.Elements(Fragments), ArbMap.Default.GeneratorFor<string>().Where(text => text is not null)))
            .Select(parts => string.Concat(parts))
            .ToArbitrary();
}
