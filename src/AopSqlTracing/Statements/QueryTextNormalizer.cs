namespace AopSqlTracing.Statements;

/// <summary>
/// Collapses each run of whitespace between tokens into one space and trims the ends, as the seed's
/// <c>db.statement</c> did, so the same statement written on several lines reads the same in every span. Literals,
/// quoted names and comments are kept as written; a <c>--</c> comment keeps its line break (one <c>\n</c>), or
/// the SQL after it would become comment text.
/// </summary>
internal static class QueryTextNormalizer
{
    /// <summary>Gets the normalised text; a text that is already normal comes back as the same string, unallocated.</summary>
    public static string Normalize(string text, SqlDialect dialect = SqlDialect.Generic)
    {
        var lexer = new SqlLexer(text, dialect);
        var output = new TextRewriter(text);
        var previous = default(SqlToken);
        for (var token = lexer.NextWithComments(); token.Kind != SqlTokenKind.End; token = lexer.NextWithComments())
        {
            if (previous.Kind == SqlTokenKind.LineComment)
            {
                output.Write('\n');
            }
            else if (previous.Kind != SqlTokenKind.End && token.Start != previous.End)
            {
                output.Write(' ');
            }

            output.Keep(token.Start, token.Length);
            previous = token;
        }

        return output.ToString();
    }
}
