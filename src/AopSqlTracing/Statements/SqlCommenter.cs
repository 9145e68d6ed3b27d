using System.Diagnostics;

namespace AopSqlTracing.Statements;

/// <summary>
/// Appends a span's W3C context to a statement as a sqlcommenter comment (keys sorted, values URL-encoded):
/// <c>SELECT 1 /*traceparent='00-…-…-01'*/</c>. Statements that already end with a comment are left alone.
/// </summary>
internal static class SqlCommenter
{
    /// <summary>
    /// Gives <paramref name="text"/> with <paramref name="activity"/>'s context appended as a comment, or false when
    /// it must be left alone: no W3C context, a text that already ends with a comment, or one that ends inside an
    /// unclosed literal, name or comment by <paramref name="dialect"/>'s rules (the comment would land inside it).
    /// </summary>
    public static bool TryComment(string? text, SqlDialect dialect, Activity activity, out string commented)
    {
        commented = string.Empty;
        if (string.IsNullOrWhiteSpace(text) || activity.IdFormat != ActivityIdFormat.W3C || activity.Id is not { } traceParent)
        {
            return false;
        }

        // A text ending inside an unclosed literal is left alone too: a comment appended there would become part of it.
        var last = LastToken(text, dialect, out var unterminated);
        if (last.IsComment || unterminated)
        {
            return false;
        }

        var comment = activity.TraceStateString is { Length: > 0 } traceState
            ? $"/*traceparent='{Uri.EscapeDataString(traceParent)}',tracestate='{Uri.EscapeDataString(traceState)}'*/"
            : $"/*traceparent='{Uri.EscapeDataString(traceParent)}'*/";

        // The comment belongs to the statement: before a closing semicolon, not after it.
        commented = last.Kind == SqlTokenKind.Semicolon
            ? string.Concat(text.AsSpan(0, last.Start).TrimEnd(SqlDialectRules.WhiteSpaceCharacters), " ", comment, ";")
            : string.Concat(text.AsSpan(0, last.End), " ", comment);
        return true;
    }

    private static SqlToken LastToken(string text, SqlDialect dialect, out bool unterminated)
    {
        var lexer = new SqlLexer(text, dialect);
        var last = default(SqlToken);
        for (var token = lexer.NextWithComments(); token.Kind != SqlTokenKind.End; token = lexer.NextWithComments())
        {
            last = token;
        }

        unterminated = lexer.EndedUnterminated;
        return last;
    }
}
