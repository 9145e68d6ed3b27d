namespace AopSqlTracing;

/// <summary>How SQL spans are named; repository spans are named by their method whichever is chosen.</summary>
public enum SqlSpanNaming
{
    /// <summary>
    /// The kind of statement, in lower case, as the Python package <c>sqlalchemy_opentracing</c> named its spans:
    /// <c>select</c>, <c>insert</c>, <c>create_table</c>, <c>call</c>; a statement the library has no grammar for by
    /// its first keyword (<c>pragma</c>); <c>batch</c> for a batch or script of different kinds; <c>stored_procedure</c>
    /// for a command run as a stored procedure; <c>db.system.name</c> for text that starts with no statement keyword.
    /// </summary>
    StatementKind,

    /// <summary>
    /// The OpenTelemetry query summary, the conventions' span name and the default: <c>SELECT users</c>,
    /// <c>CALL restock</c>, <c>PRAGMA</c>, <c>BATCH INSERT users</c>; falling back to <c>db.system.name</c> for text
    /// that starts with no statement keyword.
    /// </summary>
    QuerySummary,
}
