using System.Text;

namespace AopSqlTracing.Statements;

/// <summary>
/// Replaces every literal of a SQL text (strings, numbers, hex and blob literals, dollar-quoted bodies) with
/// <c>?</c> and drops comments, keeping keywords, identifiers, operators and parameter placeholders, so the shape of
/// a statement reaches a span and its values don't. One pass over the tokens: time linear in the text.
/// </summary>
internal static class QuerySanitizer
{
    public static string Sanitize(string text)
    {
        var builder = new StringBuilder(text.Length);
        var lexer = new SqlLexer(text);
        var previousEnd = -1;
        var previous = default(SqlToken);
        for (var token = lexer.Next(); token.Kind != SqlTokenKind.End; token = lexer.Next())
        {
            var adjacent = token.Start == previousEnd;
            if (previousEnd >= 0 && !adjacent)
            {
                builder.Append(' ');
            }

            if (token.Kind == SqlTokenKind.Literal && !IsNumberedPlaceholder(text, previous, token, adjacent))
            {
                // X'00ff', E'…', N'…', B'…': the prefix letter belongs to the literal.
                if (adjacent && IsLiteralPrefix(text, previous))
                {
                    builder.Length -= previous.Length;
                }

                builder.Append('?');
            }
            else
            {
                builder.Append(text, token.Start, token.Length);
            }

            previous = token;
            previousEnd = token.Start + token.Length;
        }

        return builder.ToString();
    }

    // $1, ?1, :1 and @1 are parameters, not numbers.
    private static bool IsNumberedPlaceholder(string text, SqlToken previous, SqlToken token, bool adjacent)
        => adjacent && previous.Kind == SqlTokenKind.Other && text[previous.Start] is '$' or '?' or ':' or '@' && char.IsAsciiDigit(text[token.Start]);

    private static bool IsLiteralPrefix(string text, SqlToken previous)
        => previous.Kind == SqlTokenKind.Word && previous.Length == 1 && char.ToUpperInvariant(text[previous.Start]) is 'X' or 'E' or 'N' or 'B';
}
