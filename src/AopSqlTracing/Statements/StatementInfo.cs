namespace AopSqlTracing.Statements;

/// <summary>What the classifier could tell of one SQL text.</summary>
/// <param name="Kind">
/// The seed's span name: <c>select</c>, <c>create_table</c>, <c>call</c>, the first keyword of a statement without a
/// grammar of its own (<c>pragma</c>), <c>batch</c> for a script of several kinds; null when the text starts with no
/// statement keyword at all.
/// </param>
/// <param name="Operation">The operation in SQL words (<c>SELECT</c>, <c>CREATE TABLE</c>), or null when not one statement we know.</param>
/// <param name="Collection">The first table the statement names, when it can be told.</param>
/// <param name="NormalizedText">The text with runs of whitespace between tokens collapsed to one space.</param>
internal sealed record StatementInfo(string? Kind, string? Operation, string? Collection, string NormalizedText)
{
    /// <summary>The kind of a command run as <see cref="System.Data.CommandType.StoredProcedure"/>.</summary>
    public const string StoredProcedureKind = "stored_procedure";

    private string? _summary;
    private string? _sanitizedText;

    /// <summary>Gets the text this was classified from; a command whose text is this same string needs no look-up.</summary>
    public string? SourceText { get; init; }

    /// <summary>Gets the rules the text was read with; the same text can mean different statements on different engines.</summary>
    public SqlDialect Dialect { get; init; }

    /// <summary>Gets the stored procedure the statement calls (<c>CALL shop.restock(…)</c>), when it calls one.</summary>
    public string? Procedure { get; init; }

    /// <summary>
    /// Gets the OpenTelemetry query summary: the operation and its target (<c>SELECT users</c>, <c>CALL restock</c>),
    /// the operation alone, or for a script each of its statements' in turn (<c>CREATE TABLE t INSERT t</c>).
    /// </summary>
    public string? Summary
    {
        // Made at first use and kept with the cached entry, as the sanitised text is: a command pays no concatenation.
        get => _summary ??= StatementParts.SummaryOf(Operation, Collection ?? Procedure);
        init => _summary = value;
    }

    /// <summary>
    /// Gets the text with literals replaced by <c>?</c> and comments dropped, placeholders kept as written; made at
    /// first use, then kept with the cached entry.
    /// </summary>
    public string SanitizedText => _sanitizedText ??= QuerySanitizer.Sanitize(NormalizedText, Dialect);

    /// <summary>
    /// A stored procedure call: the text is the procedure's name, nothing to classify or sanitise. Its operation is the
    /// engine's word for a call (<c>EXECUTE</c> on SQL Server, the standard's <c>CALL</c> elsewhere), as the
    /// OpenTelemetry conventions summarise one.
    /// </summary>
    public static StatementInfo ForProcedure(string name, SqlDialect dialect = SqlDialect.Generic)
        => new(StoredProcedureKind, SqlDialectRules.ProcedureCall(dialect), null, name) { Procedure = name, Dialect = dialect, _sanitizedText = name };
}
