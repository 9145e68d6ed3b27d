namespace AopSqlTracing;

/// <summary>What <c>db.query.text</c> records.</summary>
public enum QueryTextMode
{
    /// <summary>
    /// Commands with parameters as written; text without parameters with its literals (strings, numbers, hex and
    /// blobs) replaced by <c>?</c> and its comments dropped, so literal values never reach a span.
    /// </summary>
    Sanitized,

    /// <summary>Every command as written, literals included.</summary>
    Raw,

    /// <summary>No <c>db.query.text</c> at all.</summary>
    None,
}
