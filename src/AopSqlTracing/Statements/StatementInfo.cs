namespace AopSqlTracing.Statements;

/// <summary>What the classifier could tell of one SQL text.</summary>
/// <param name="Kind">The seed's span name: <c>select</c>, <c>create_table</c>, … or <c>textclause</c>.</param>
/// <param name="Operation">The operation in SQL words (<c>SELECT</c>, <c>CREATE TABLE</c>), or null when not one recognisable statement.</param>
/// <param name="Collection">The first table the statement names, when it can be told.</param>
/// <param name="NormalizedText">The text with runs of whitespace between tokens collapsed to one space.</param>
internal sealed record StatementInfo(string Kind, string? Operation, string? Collection, string NormalizedText)
{
    /// <summary>Gets the text this was classified from; a command whose text is this same string needs no look-up.</summary>
    public string? SourceText { get; init; }

    /// <summary>Gets the rules the text was read with; the same text can mean different statements on different engines.</summary>
    public SqlDialect Dialect { get; init; }

    public const string TextClause = "textclause";

    private string? _sanitizedText;

    /// <summary>A stored procedure call: the text is the procedure's name, nothing to classify or sanitise.</summary>
    public static StatementInfo ForProcedure(string name)
        => new("stored_procedure", null, null, name) { _sanitizedText = name };

    /// <summary>The OpenTelemetry query summary: operation and table (<c>SELECT users</c>), or the operation alone.</summary>
    public string? Summary { get; } = Operation is null ? null : Collection is null ? Operation : Operation + " " + Collection;

    /// <summary>
    /// Gets the text with literals replaced by <c>?</c> and comments dropped, placeholders kept as written; made at
    /// first use, then kept with the cached entry.
    /// </summary>
    public string SanitizedText => _sanitizedText ??= QuerySanitizer.Sanitize(NormalizedText, Dialect);
}
