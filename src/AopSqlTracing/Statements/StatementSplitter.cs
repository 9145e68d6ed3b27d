namespace AopSqlTracing.Statements;

/// <summary>
/// Cuts a script into its statements at the semicolons outside parentheses, literals, quoted names and comments (by
/// the dialect's rules): an ORM's multi-statement command (Entity Framework Core's <c>SaveChanges</c> sends several
/// <c>INSERT … RETURNING</c> in one) is then described as a batch of its statements.
/// </summary>
internal static class StatementSplitter
{
    /// <summary>Gives the statements of <paramref name="text"/>, or an empty list when it holds at most one.</summary>
    public static IReadOnlyList<string> Split(string text, SqlDialect dialect)
    {
        List<string>? statements = null;
        var lexer = new SqlLexer(text, dialect);
        var depth = 0;
        var start = -1;
        var end = 0;
        for (var token = lexer.Next(); token.Kind != SqlTokenKind.End; token = lexer.Next())
        {
            switch (token.Kind)
            {
                case SqlTokenKind.OpenParen:
                    depth++;
                    break;
                case SqlTokenKind.CloseParen:
                    depth = Math.Max(0, depth - 1);
                    break;
                case SqlTokenKind.Semicolon when depth == 0:
                    if (start >= 0)
                    {
                        (statements ??= []).Add(text[start..end]);
                    }

                    start = -1;
                    continue;
                default:
                    break;
            }

            if (start < 0)
            {
                start = token.Start;
            }

            end = token.Start + token.Length;
        }

        if (start >= 0)
        {
            (statements ??= []).Add(text[start..end]);
        }

        return statements is { Count: > 1 } ? statements : [];
    }
}
