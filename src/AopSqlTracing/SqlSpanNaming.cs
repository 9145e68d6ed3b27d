namespace AopSqlTracing;

/// <summary>How SQL spans are named.</summary>
public enum SqlSpanNaming
{
    /// <summary>The seed's words: <c>select</c>, <c>create_table</c>, <c>textclause</c>, <c>batch</c>.</summary>
    Seed,

    /// <summary>The OpenTelemetry query summary (<c>SELECT users</c>), falling back to <c>db.system.name</c>.</summary>
    QuerySummary,
}
