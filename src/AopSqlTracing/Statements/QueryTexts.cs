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

    /// <summary>
    /// Gives <paramref name="text"/> as it is when it has at most <paramref name="maxLength"/> characters, else its
    /// start followed by <c>…</c>, <paramref name="maxLength"/> characters in all: the limit is what a backend's
    /// attribute size allows, so the mark counts towards it. A limit of 1 leaves the mark alone.
    /// </summary>
    public static string Cut(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        // Never split a surrogate pair: one cut in two would be an invalid string for the exporter.
        var length = maxLength - CutMark.Length;
        if (length > 0 && char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }

        return string.Concat(text.AsSpan(0, length), CutMark);
    }
}
