namespace AopSqlTracing;

/// <summary>
/// Settings of one traced database: which commands become spans and what the spans carry.
/// Passed to <see cref="SqlTracingRegistrationExtensions.RegisterTracedDatabase"/> and
/// <see cref="SqlTracingRegistrationExtensions.TraceAllDatabases"/>.
/// </summary>
public sealed class SqlTracingOptions
{
    /// <summary>
    /// Gets or sets whether every command is traced, marked or not (the seed's <c>trace_all_queries</c>).
    /// When <see langword="false"/>, only commands marked through <see cref="SqlTracing"/>, directly or by their
    /// connection, become spans. Defaults to <see langword="true"/>, like the seed.
    /// </summary>
    public bool TraceAllCommands { get; set; } = true;
}
