namespace AopSqlTracing.Statements;

/// <summary>What the grammar read of one statement, before it becomes a cached <see cref="StatementInfo"/>.</summary>
/// <param name="Kind">The seed's name (<c>select</c>), or null when the statement starts with no keyword we know.</param>
/// <param name="Operation">The operation in SQL words (<c>SELECT</c>).</param>
/// <param name="Collection">The table it names first.</param>
/// <param name="Procedure">The stored procedure it calls.</param>
internal readonly record struct StatementParts(string? Kind, string? Operation, string? Collection, string? Procedure)
{
    /// <summary>Gets the OpenTelemetry query summary of the statement: its operation, then its target when it has one.</summary>
    public string? Summary => SummaryOf(Operation, Collection ?? Procedure);

    /// <summary>Joins an operation and its target (a table or a procedure) as the conventions write a summary: <c>SELECT users</c>.</summary>
    public static string? SummaryOf(string? operation, string? target)
        => operation is null ? null : target is null ? operation : operation + " " + target;
}
