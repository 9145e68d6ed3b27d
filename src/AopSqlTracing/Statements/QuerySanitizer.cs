namespace AopSqlTracing.Statements;

/// <summary>
/// Replaces every literal of a SQL text (strings, numbers, hex and blob literals, dollar-quoted bodies, and a
/// setting's value written as a word, <see cref="SettingValues"/>) with <c>?</c> and drops comments, keeping keywords,
/// identifiers, operators and parameter placeholders, so the shape of a statement reaches a span and its values don't.
/// One pass over the tokens: time linear in the text.
/// </summary>
internal static class QuerySanitizer
{
    /// <summary>Gets the sanitised text, tokens separated as in the text (a dropped comment leaves one space).</summary>
    public static string Sanitize(string text, SqlDialect dialect = SqlDialect.Generic)
    {
        var lexer = new SqlLexer(text, dialect);
        var output = new TextRewriter(text);
        var settings = new SettingValues(text);
        var previous = default(SqlToken);
        for (var token = lexer.Next(); token.Kind != SqlTokenKind.End; token = lexer.Next())
        {
            var settingValue = settings.IsBareValue(token, lexer);
            var adjacent = token.Start == previous.End;
            if (previous.Kind != SqlTokenKind.End && !adjacent)
            {
                output.Write(' ');
            }

            if (token.Kind == SqlTokenKind.Literal)
            {
                // X'00ff', E'…', N'…', B'…': the prefix letter belongs to the literal.
                if (adjacent && IsLiteralPrefix(text, previous, dialect))
                {
                    output.Unwrite(previous.Length);
                }

                output.Write('?');
            }
            else if (settingValue)
            {
                output.Write('?');
            }
            else
            {
                output.Keep(token.Start, token.Length);
            }

            previous = token;
        }

        return output.ToString();
    }

    // SQLite knows X'…' blobs only, MySQL and MariaDB X'…', B'…' and N'…' (their E'…' is a name and a string); before
    // any other quote a letter is a name of its own.
    private static bool IsLiteralPrefix(string text, SqlToken previous, SqlDialect dialect)
        => previous.Kind == SqlTokenKind.Word && previous.Length == 1
            && char.ToUpperInvariant(text[previous.Start]) switch
            {
                'X' => true,
                'N' or 'B' => dialect != SqlDialect.Sqlite,
                'E' => dialect is not (SqlDialect.Sqlite or SqlDialect.MySql),
                _ => false,
            };
}
