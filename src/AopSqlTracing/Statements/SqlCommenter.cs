using System.Diagnostics;

namespace AopSqlTracing.Statements;

/// <summary>
/// Appends a span's W3C context to a statement as a sqlcommenter comment (keys sorted, values URL-encoded):
/// <c>SELECT 1 /*traceparent='00-…-…-01'*/</c>. Statements that already end with a comment are left alone.
/// </summary>
internal static class SqlCommenter
{
    public static bool TryComment(string? text, Activity activity, out string commented)
    {
        commented = string.Empty;
        if (string.IsNullOrWhiteSpace(text) || activity.IdFormat != ActivityIdFormat.W3C || activity.Id is not { } traceParent || EndsWithComment(text))
        {
            return false;
        }

        var comment = activity.TraceStateString is { Length: > 0 } traceState
            ? $"/*traceparent='{Uri.EscapeDataString(traceParent)}',tracestate='{Uri.EscapeDataString(traceState)}'*/"
            : $"/*traceparent='{Uri.EscapeDataString(traceParent)}'*/";

        // The comment belongs to the statement: before a closing semicolon, not after it.
        var statement = text.AsSpan().TrimEnd();
        commented = statement.EndsWith(";", StringComparison.Ordinal)
            ? string.Concat(statement[..^1].TrimEnd(), " ", comment, ";")
            : string.Concat(statement, " ", comment);
        return true;
    }

    private static bool EndsWithComment(string text)
    {
        var lexer = new SqlLexer(text);
        var end = 0;
        for (var token = lexer.Next(); token.Kind != SqlTokenKind.End; token = lexer.Next())
        {
            end = token.Start + token.Length;
        }

        // Only trivia follows the last token: anything but whitespace there is a comment. A text ending inside an
        // unclosed literal counts too: a comment appended there would become part of the literal.
        return lexer.EndedUnterminated || !text.AsSpan(end).IsWhiteSpace();
    }
}
