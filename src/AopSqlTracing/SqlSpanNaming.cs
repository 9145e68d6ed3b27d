namespace AopSqlTracing;

/// <summary>How SQL spans are named.</summary>
public enum SqlSpanNaming
{
    /// <summary>
    /// The kind of statement, in lower case: <c>select</c>, <c>insert</c>, <c>create_table</c>; <c>textclause</c> for
    /// text that is not one recognisable statement, <c>batch</c> for a batch of different kinds.
    /// </summary>
    StatementKind,

    /// <summary>The OpenTelemetry query summary (<c>SELECT users</c>), falling back to <c>db.system.name</c>.</summary>
    QuerySummary,
}
