namespace AopSqlTracing.Reliability.Support;

/// <summary>
/// The PostgreSQL server named by <c>AOPSQL_POSTGRES</c> (an Npgsql connection string, set by <c>.ci/run</c>);
/// without it the PostgreSQL tests are skipped with that reason.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "AOPSQL_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>Skips the calling test when no server is configured, and gives the connection string otherwise.</summary>
    public static string Require()
    {
        Skip.If(ConnectionString is null, $"PostgreSQL is not configured: set {Variable} to an Npgsql connection string (bash .ci/run does).");
        return ConnectionString!;
    }

    /// <summary>A table name no parallel test uses; the test drops it when done.</summary>
    public static string UniqueTable(string prefix) => $"{prefix}_{Guid.NewGuid():N}";
}
