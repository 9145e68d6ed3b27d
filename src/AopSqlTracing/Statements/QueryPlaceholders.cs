namespace AopSqlTracing.Statements;

/// <summary>
/// Tells whether a SQL text has parameter placeholders (<c>@name</c>, <c>:name</c>, <c>$1</c>, <c>$name</c>,
/// <c>?</c>, <c>?1</c>), from the text alone: reading a command's <c>Parameters</c> can change how the provider
/// behaves (Microsoft.Data.Sqlite builds its collection on first access), so tracing must not.
/// </summary>
internal static class QueryPlaceholders
{
    public static bool Any(string text)
    {
        var lexer = new SqlLexer(text);
        var previous = default(SqlToken);
        var previousEnd = -1;
        for (var token = lexer.Next(); token.Kind != SqlTokenKind.End; token = lexer.Next())
        {
            if (token.Kind == SqlTokenKind.Other && text[token.Start] == '?')
            {
                return true;
            }

            var adjacent = token.Start == previousEnd;
            if (adjacent && previous.Kind == SqlTokenKind.Other && token.Kind is SqlTokenKind.Word or SqlTokenKind.Literal
                && text[previous.Start] is '@' or ':' or '$'
                && !IsCast(text, previous))
            {
                return true;
            }

            previous = token;
            previousEnd = token.Start + token.Length;
        }

        return false;
    }

    // PostgreSQL's value::type is a cast, not a :type parameter.
    private static bool IsCast(string text, SqlToken colon) => text[colon.Start] == ':' && colon.Start > 0 && text[colon.Start - 1] == ':';
}
