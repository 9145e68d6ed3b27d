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
    private static readonly string[] TableHints =
    [
        "NOLOCK", "HOLDLOCK", "UPDLOCK", "ROWLOCK", "PAGLOCK", "TABLOCK", "TABLOCKX", "XLOCK", "READPAST", "READUNCOMMITTED",
        "READCOMMITTED", "READCOMMITTEDLOCK", "REPEATABLEREAD", "SERIALIZABLE", "NOWAIT", "INDEX", "FORCESEEK", "FORCESCAN", "SNAPSHOT",
    ];

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
    public static bool HasEscapeStrings(SqlDialect dialect) => dialect is not (SqlDialect.Sqlite or SqlDialect.MySql or SqlDialect.SqlServer);

    /// <summary>
    /// Gets whether every <c>'…'</c> and <c>"…"</c> string takes backslash escapes (<c>\'</c>, <c>\\</c>): MySQL and
    /// MariaDB, unless a session sets <c>NO_BACKSLASH_ESCAPES</c>.
    /// </summary>
    public static bool HasBackslashEscapes(SqlDialect dialect) => dialect == SqlDialect.MySql;

    /// <summary>Gets whether <c>"…"</c> is a string (MySQL and MariaDB without <c>ANSI_QUOTES</c>) rather than a quoted name.</summary>
    public static bool QuotesStringsWithDoubleQuotes(SqlDialect dialect) => dialect == SqlDialect.MySql;

    /// <summary>
    /// Gets whether <c>$tag$…$tag$</c> is a literal (PostgreSQL); in SQLite <c>$tag</c> is a placeholder, in MySQL and
    /// MariaDB <c>$</c> is part of a name, in SQL Server it starts a money literal or a name (<c>$action</c>).
    /// </summary>
    public static bool HasDollarQuotes(SqlDialect dialect) => dialect is not (SqlDialect.Sqlite or SqlDialect.MySql or SqlDialect.SqlServer);

    /// <summary>Gets whether <c>`name`</c> is a quoted name (SQLite, MySQL, MariaDB); PostgreSQL and SQL Server have no such quote.</summary>
    public static bool QuotesWithBackticks(SqlDialect dialect) => dialect is not (SqlDialect.PostgreSql or SqlDialect.SqlServer);

    /// <summary>
    /// Gets whether <c>]]</c> inside a bracketed name is an escaped <c>]</c> (SQL Server), rather than the end of the name
    /// followed by a <c>]</c> (SQLite).
    /// </summary>
    public static bool EscapesBracketsByDoubling(SqlDialect dialect) => dialect == SqlDialect.SqlServer;

    /// <summary>
    /// Gets the length of SQL Server's <c>@@ROWCOUNT</c>-style name at <paramref name="start"/>, or 0 when there is
    /// none: a function of the server, neither a parameter nor a value.
    /// </summary>
    public static int GlobalVariableLength(ReadOnlySpan<char> text, int start, SqlDialect dialect)
        => dialect == SqlDialect.SqlServer && text[start] == '@' && start + 2 < text.Length && text[start + 1] == '@' && IsWordStart(text[start + 2])
            ? 2 + NameAt(text, start + 2, dialect)
            : 0;

    /// <summary>
    /// Gets the length of SQL Server's money literal at <paramref name="start"/> (a currency sign before a number:
    /// <c>$12.50</c>, <c>$-5</c>, <c>£.5</c>) up to the number's first character, or 0 when there is none.
    /// </summary>
    public static int CurrencySignLength(ReadOnlySpan<char> text, int start, SqlDialect dialect)
    {
        if (dialect != SqlDialect.SqlServer || !(text[start] == '$' || char.GetUnicodeCategory(text[start]) == System.Globalization.UnicodeCategory.CurrencySymbol))
        {
            return 0;
        }

        var i = start + 1;
        if (i < text.Length && text[i] is '+' or '-')
        {
            i++;
        }

        return i < text.Length && (char.IsAsciiDigit(text[i]) || (text[i] == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))) ? i - start : 0;
    }

    /// <summary>
    /// Gets whether <paramref name="c"/> can start a name: also <c>#</c> in SQL Server (<c>#temp</c>, <c>##global</c>), and
    /// <c>$</c> not before a number (<c>$action</c>, <c>$identity</c>).
    /// </summary>
    public static bool IsNameStart(char c, SqlDialect dialect) => IsWordStart(c) || (c is '#' or '$' && dialect == SqlDialect.SqlServer);

    /// <summary>Gets whether <paramref name="c"/> can go on a name: also <c>#</c> and <c>@</c> in SQL Server (<c>a#b</c> is one name).</summary>
    public static bool IsNamePart(char c, SqlDialect dialect) => IsWordPart(c) || (c is '#' or '@' && dialect == SqlDialect.SqlServer);

    /// <summary>
    /// Gets whether <c>EXEC</c> and <c>EXECUTE</c> call a stored procedure (SQL Server); in PostgreSQL <c>EXECUTE</c>
    /// runs a prepared statement.
    /// </summary>
    public static bool ExecutesProcedures(SqlDialect dialect) => dialect == SqlDialect.SqlServer;

    /// <summary>
    /// Gets the operation of a stored procedure call, as the OpenTelemetry conventions summarise one: <c>EXECUTE</c> on
    /// SQL Server, which has no <c>CALL</c>; the SQL standard's <c>CALL</c> elsewhere.
    /// </summary>
    public static string ProcedureCall(SqlDialect dialect) => dialect == SqlDialect.SqlServer ? "EXECUTE" : "CALL";

    /// <summary>
    /// Gets whether <paramref name="word"/>, first inside a <c>(</c> right after a table's name, is a table hint in
    /// SQL Server's old form (<c>FROM users (NOLOCK)</c>), so the name before it is a table, not a function.
    /// </summary>
    public static bool IsTableHint(ReadOnlySpan<char> word, SqlDialect dialect)
    {
        if (dialect is not (SqlDialect.SqlServer or SqlDialect.Generic))
        {
            return false;
        }

        foreach (var hint in TableHints)
        {
            if (word.Equals(hint, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Gets whether the <c>[</c> at <paramref name="open"/> starts a quoted name. SQLite: always, up to the first
    /// <c>]</c>. SQL Server: always, up to a <c>]</c> that is not doubled. PostgreSQL: never, it is an array bracket or subscript holding values. Generic: when a name starts
    /// right after it and a <c>]</c> comes before anything a list of values would hold (quotes, commas, parentheses).
    /// MySQL and MariaDB: never.
    /// </summary>
    public static bool IsBracketIdentifier(ReadOnlySpan<char> text, int open, SqlDialect dialect)
    {
        if (dialect != SqlDialect.Generic)
        {
            return dialect is SqlDialect.Sqlite or SqlDialect.SqlServer;
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
    /// MySqlConnector: <c>@name</c>, <c>?</c> and <c>?name</c>. SQL Server: <c>@name</c> (a parameter or a variable; its
    /// name may hold <c>#</c>, <c>@</c> and <c>$</c>). Generic: <c>@name</c>,
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
            (SqlDialect.SqlServer, '@') when IsWordStart(next) => 1 + NameAt(text, start + 1, dialect),
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

    private static int NameAt(ReadOnlySpan<char> text, int start, SqlDialect dialect = SqlDialect.Generic)
    {
        var i = start;
        while (i < text.Length && IsNamePart(text[i], dialect))
        {
            i++;
        }

        return i - start;
    }
}
