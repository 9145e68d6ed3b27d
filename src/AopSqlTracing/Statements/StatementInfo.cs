namespace AopSqlTracing.Statements;

/// <summary>What the classifier could tell of one SQL text.</summary>
/// <param name="Kind">The seed's span name: <c>select</c>, <c>create_table</c>, … or <c>textclause</c>.</param>
/// <param name="Operation">The operation in SQL words (<c>SELECT</c>, <c>CREATE TABLE</c>), or null when not one recognisable statement.</param>
/// <param name="Collection">The first table the statement names, when it can be told.</param>
/// <param name="NormalizedText">The text with runs of whitespace outside literals collapsed to one space.</param>
internal sealed record StatementInfo(string Kind, string? Operation, string? Collection, string NormalizedText)
{
    /// <summary>Gets the text this was classified from; a command whose text is this same string needs no look-up.</summary>
    public string? SourceText { get; init; }

    public const string TextClause = "textclause";

    private string? _sanitizedText;
    private int _hasPlaceholders;

    /// <summary>A stored procedure call: the text is the procedure's name, nothing to classify or sanitise.</summary>
    public static StatementInfo ForProcedure(string name)
        => new("stored_procedure", null, null, name) { _sanitizedText = name };

    /// <summary>The OpenTelemetry query summary: operation and table (<c>SELECT users</c>), or the operation alone.</summary>
    public string? Summary { get; } = Operation is null ? null : Collection is null ? Operation : Operation + " " + Collection;

    /// <summary>Gets the text with literals replaced and comments dropped; made at first use, then kept with the cached entry.</summary>
    public string SanitizedText => _sanitizedText ??= QuerySanitizer.Sanitize(NormalizedText);

    /// <summary>Gets whether the text has parameter placeholders; worked out at first use, then kept.</summary>
    public bool HasPlaceholders
    {
        get
        {
            if (_hasPlaceholders == 0)
            {
                _hasPlaceholders = QueryPlaceholders.Any(NormalizedText) ? 1 : -1;
            }

            return _hasPlaceholders > 0;
        }
    }
}
