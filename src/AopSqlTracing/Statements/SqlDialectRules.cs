using System.Buffers;

namespace AopSqlTracing.Statements;

/// <summary>
/// Where the engines' lexical rules differ, what each <see cref="SqlDialect"/> does; <see cref="SqlLexer"/> asks here
/// and nowhere else, so normalising, sanitising, classifying and sqlcommenter read a text the same way.
/// </summary>
internal static class SqlDialectRules
{
    /// <summary>The whitespace characters of every engine; other characters, non-ASCII spaces included, belong to names.</summary>
    public const string WhiteSpaceCharacters = " \t\n\r\f\v";

    private static readonly SearchValues<char> BracketStops = SearchValues.Create("]'\"[,()");
    private static readonly SearchValues<char> TclSuffixStops = SearchValues.Create(")" + WhiteSpaceCharacters);

    /// <summary>
    /// Gets whether a <c>/*</c> inside a block comment opens a nested one (PostgreSQL, the SQL standard; not SQLite,
    /// MySQL or MariaDB, where the first <c>*/</c> ends it).
    /// </summary>
    public static bool NestsBlockComments(SqlDialect dialect) => dialect is not (SqlDialect.Sqlite or SqlDialect.MySql);

    /// <summary>
    /// Gets whether the <c>--</c> at <paramref name="start"/> opens a comment. MySQL and MariaDB want a space or a
    /// control character (or the end of the text) after it: <c>1--2</c> is one minus another; every other engine
    /// takes any <c>--</c>.
    /// </summary>
    public static bool StartsDashComment(ReadOnlySpan<char> text, int start, SqlDialect dialect)
        => dialect != SqlDialect.MySql || start + 2 >= text.Length || text[start + 2] <= ' ' || text[start + 2] == '\u007F';

    /// <summary>Gets whether <c>#</c> opens a comment to the end of the line (MySQL, MariaDB); elsewhere it is an operator.</summary>
    public static bool HasHashComments(SqlDialect dialect) => dialect == SqlDialect.MySql;

    /// <summary>
    /// Gets whether <c>/*!</c> and <c>/*M!</c> open a comment whose body the server runs as SQL (MySQL, MariaDB), so
    /// that it ends at the first <c>*/</c> outside the literals and comments inside it.
    /// </summary>
    public static bool HasExecutableComments(SqlDialect dialect) => dialect == SqlDialect.MySql;

    /// <summary>
    /// Gets whether <paramref name="c"/> ends a <c>--</c> comment. PostgreSQL also ends it at a lone carriage return;
    /// SQLite, MySQL and MariaDB do not, and for an unknown engine the longer comment hides more.
    /// </summary>
    public static bool EndsLineComment(SqlDialect dialect, char c) => c == '\n' || (c == '\r' && dialect == SqlDialect.PostgreSql);

    /// <summary>
    /// Gets whether <c>E'…'</c> strings take backslash escapes (PostgreSQL). In SQLite an E before a quote is a
    /// name, and in MySQL and MariaDB every string takes them already.
    /// </summary>
    public static bool HasEscapeStrings(SqlDialect dialect) => dialect is not (SqlDialect.Sqlite or SqlDialect.MySql);

    /// <summary>
    /// Gets whether every <c>'…'</c> and <c>"…"</c> string takes backslash escapes (<c>\'</c>, <c>\\</c>): MySQL and
    /// MariaDB, unless a session sets <c>NO_BACKSLASH_ESCAPES</c>.
    /// </summary>
    public static bool HasBackslashEscapes(SqlDialect dialect) => dialect == SqlDialect.MySql;

    /// <summary>Gets whether <c>"…"</c> is a string (MySQL and MariaDB without <c>ANSI_QUOTES</c>) rather than a quoted name.</summary>
    public static bool QuotesStringsWithDoubleQuotes(SqlDialect dialect) => dialect == SqlDialect.MySql;

    /// <summary>
    /// Gets whether <c>$tag$…$tag$</c> is a literal (PostgreSQL); in SQLite <c>$tag</c> is a placeholder, in MySQL and
    /// MariaDB <c>$</c> is part of a name.
    /// </summary>
    public static bool HasDollarQuotes(SqlDialect dialect) => dialect is not (SqlDialect.Sqlite or SqlDialect.MySql);

    /// <summary>Gets whether <c>`name`</c> is a quoted name (SQLite, MySQL, MariaDB); PostgreSQL has no such quote.</summary>
    public static bool QuotesWithBackticks(SqlDialect dialect) => dialect != SqlDialect.PostgreSql;

    /// <summary>
    /// Gets whether the <c>[</c> at <paramref name="open"/> starts a quoted name. SQLite: always, up to the first
    /// <c>]</c>. PostgreSQL: never, it is an array bracket or subscript holding values. Generic: when a name starts
    /// right after it and a <c>]</c> comes before anything a list of values would hold (quotes, commas, parentheses).
    /// MySQL and MariaDB: never.
    /// </summary>
    public static bool IsBracketIdentifier(ReadOnlySpan<char> text, int open, SqlDialect dialect)
    {
        if (dialect != SqlDialect.Generic)
        {
            return dialect == SqlDialect.Sqlite;
        }

        if (open + 1 >= text.Length || !IsWordStart(text[open + 1]))
        {
            return false;
        }

        // Stops at the next '[' too, so the scans from successive brackets never overlap: linear in all.
        var end = text[(open + 1)..].IndexOfAny(BracketStops);
        return end >= 0 && text[open + 1 + end] == ']';
    }

    /// <summary>
    /// Gets the length of the placeholder at <paramref name="start"/>, or 0 when there is none. SQLite: <c>?</c>,
    /// <c>?NNN</c>, <c>@name</c>, <c>:name</c>, <c>$name</c>. PostgreSQL through Npgsql: <c>@name</c> and <c>$1</c>
    /// (<c>?</c>, <c>@@</c>, <c>@&gt;</c> are operators and <c>::</c> a cast). MySQL and MariaDB through
    /// MySqlConnector: <c>@name</c>, <c>?</c> and <c>?name</c>. Generic: <c>@name</c>,
    /// <c>:name</c> (not the second colon of <c>::</c>), <c>$1</c>, <c>?</c> and <c>?1</c>.
    /// </summary>
    /// <param name="text">The whole text.</param>
    /// <param name="start">Where the candidate starts.</param>
    /// <param name="dialect">Whose rules.</param>
    /// <param name="malformed">
    /// Set when SQLite would reject the token as a whole (<c>$a(x</c>, never closed): the caller reads it as a
    /// literal, so nothing in it reaches a span.
    /// </param>
    public static int PlaceholderLength(ReadOnlySpan<char> text, int start, SqlDialect dialect, out bool malformed)
    {
        malformed = false;
        var next = start + 1 < text.Length ? text[start + 1] : '\0';
        return (dialect, text[start]) switch
        {
            (SqlDialect.Sqlite or SqlDialect.Generic, '?') => 1 + DigitsAt(text, start + 1),
            (SqlDialect.MySql, '?') => 1 + NameAt(text, start + 1),
            (SqlDialect.Sqlite, '@' or ':' or '$') => SqliteVariableLength(text, start, out malformed),
            (_, '@') when IsWordStart(next) => 1 + NameAt(text, start + 1),
            (SqlDialect.Generic, ':') when IsWordStart(next) && (start == 0 || text[start - 1] != ':') => 1 + NameAt(text, start + 1),
            (SqlDialect.PostgreSql or SqlDialect.Generic, '$') when char.IsAsciiDigit(next) => 1 + DigitsAt(text, start + 1),
            _ => 0,
        };
    }

    /// <summary>Whitespace as the engines see it: ASCII only (other characters are parts of names).</summary>
    public static bool IsWhiteSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\f' or '\v';

    /// <summary>A character a name can start with: letters, underscore, and any non-ASCII character (PostgreSQL, SQLite).</summary>
    public static bool IsWordStart(char c) => char.IsAsciiLetter(c) || c == '_' || c >= '\u0080';

    /// <summary>A character a name can go on with: also digits and <c>$</c> (<c>a$b</c> is one name in PostgreSQL and SQLite).</summary>
    public static bool IsWordPart(char c) => IsWordStart(c) || char.IsAsciiDigit(c) || c == '$';

    // SQLite's tokenizer: name characters, `::` separators, and a Tcl-style `(…)` suffix that must close before
    // any whitespace (else SQLite rejects the token as it stands).
    private static int SqliteVariableLength(ReadOnlySpan<char> text, int start, out bool malformed)
    {
        malformed = false;
        var i = start + 1;
        var nameCharacters = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (IsWordPart(c))
            {
                nameCharacters++;
                i++;
            }
            else if (c == '(' && nameCharacters > 0)
            {
                var close = text[i..].IndexOfAny(TclSuffixStops);
                malformed = close < 0 || text[i + close] != ')';
                return (close < 0 ? text.Length : i + close + (malformed ? 0 : 1)) - start;
            }
            else if (c == ':' && i + 1 < text.Length && text[i + 1] == ':')
            {
                i += 2;
            }
            else
            {
                break;
            }
        }

        return nameCharacters == 0 ? 0 : i - start;
    }

    private static int DigitsAt(ReadOnlySpan<char> text, int start)
    {
        var i = start;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i - start;
    }

    private static int NameAt(ReadOnlySpan<char> text, int start)
    {
        var i = start;
        while (i < text.Length && IsWordPart(text[i]))
        {
            i++;
        }

        return i - start;
    }
}
