namespace AopSqlTracing.Statements;

/// <summary>Picks the <c>db.query.text</c> of a statement under a <see cref="QueryTextMode"/>, and cuts it to length.</summary>
internal static class QueryTexts
{
    private const string CutMark = "…";

    /// <summary>
    /// The text to record: <see cref="QueryTextMode.Raw"/> gives the normalised text; otherwise the sanitised one,
    /// placeholders or not, since a statement with placeholders can still carry literals beside them.
    /// </summary>
    public static string Of(StatementInfo statement, QueryTextMode mode)
        => mode == QueryTextMode.Raw ? statement.NormalizedText : statement.SanitizedText;

    public static string Cut(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        // Never split a surrogate pair.
        var length = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        return string.Concat(text.AsSpan(0, length), CutMark);
    }
}
