using System.Text;

namespace AopSqlTracing.Statements;

/// <summary>
/// The name of a script of several statements in one command: their common kind (<c>batch</c> when they differ, as
/// for a batch), and a query summary made of each statement's in turn (<c>CREATE TABLE t INSERT t</c>), as the
/// OpenTelemetry conventions summarise a text of several operations, cut between two statements' summaries to at
/// most 255 characters.
/// </summary>
internal sealed record ScriptSummary(string? Kind, string? Summary)
{
    private const int MaxSummaryLength = 255;

    /// <summary>Describes the script <paramref name="text"/>, or gives null when it holds fewer than two statements.</summary>
    public static ScriptSummary? Of(string text, SqlDialect dialect)
    {
        var statements = StatementSplitter.Split(text, dialect);
        if (statements.Count < 2)
        {
            return null;
        }

        var kind = StatementClassifier.Read(statements[0], dialect, out _).Kind;
        var sameKind = true;
        var summary = new StringBuilder();
        var full = false;
        foreach (var statement in statements)
        {
            var parts = StatementClassifier.Read(statement, dialect, out _);
            sameKind &= parts.Kind == kind;
            if (!full && parts.Summary is { } part)
            {
                var separator = summary.Length > 0 ? 1 : 0;
                full = summary.Length + separator + part.Length > MaxSummaryLength;
                if (!full)
                {
                    summary.Append(' ', separator).Append(part);
                }
            }

            if (full && !sameKind)
            {
                break;
            }
        }

        return new ScriptSummary(sameKind ? kind : BatchStatements.MixedName, summary.Length > 0 ? summary.ToString() : null);
    }
}
