namespace AopSqlTracing.Statements;

/// <summary>
/// The lexical rules a SQL text is read with: engines disagree on what is a comment, a quoted name or a
/// placeholder, and reading a text by the wrong rules can leave a value outside the literal that hides it.
/// </summary>
internal enum SqlDialect
{
    /// <summary>
    /// An engine we have no rules for: where engines differ it takes the reading that hides more (comments nest,
    /// <c>[name]</c> only when it looks like a name, <c>E''</c> and dollar quotes are literals).
    /// </summary>
    Generic,

    /// <summary>SQLite: comments do not nest, <c>[name]</c> is always a name, no dollar quotes, <c>$name</c> is a placeholder.</summary>
    Sqlite,

    /// <summary>PostgreSQL through Npgsql: comments nest, <c>[</c> is an array bracket, <c>?</c> and <c>@@</c> are operators.</summary>
    PostgreSql,

    /// <summary>
    /// MySQL and MariaDB (MySqlConnector): <c>#</c> and <c>-- </c> comments, comments that do not nest, <c>/*! … */</c>
    /// comments whose body the server runs, backslash escapes in <c>'…'</c> and <c>"…"</c> strings (both are strings),
    /// <c>`name`</c> the quoted name, <c>@name</c> and <c>?</c> placeholders, no dollar quotes.
    /// </summary>
    MySql,

    /// <summary>
    /// SQL Server (Microsoft.Data.SqlClient, System.Data.SqlClient): comments nest, <c>[name]</c> is always a quoted name
    /// (<c>]]</c> an escaped bracket, so a quote inside is part of the name), <c>N'…'</c> strings, <c>0x…</c> binary
    /// and <c>$12.50</c> money literals, <c>@name</c> parameters and variables, <c>@@ROWCOUNT</c> and <c>#temp</c> names.
    /// </summary>
    SqlServer,
}
