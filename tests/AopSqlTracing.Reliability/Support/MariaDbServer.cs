namespace AopSqlTracing.Reliability.Support;

/// <summary>
/// The MariaDB server named by <c>AOPSQL_MARIADB</c> (a MySqlConnector connection string, set by <c>.ci/run</c>
/// through <c>.ci/mariadb.sh</c>); without it the MariaDB tests are skipped with that reason.
/// </summary>
public static class MariaDbServer
{
    public const string Variable = "AOPSQL_MARIADB";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>Skips the calling test when no server is configured, and gives the connection string otherwise.</summary>
    public static string Require()
    {
        Skip.If(ConnectionString is null, $"MariaDB is not configured: set {Variable} to a MySqlConnector connection string (bash .ci/run does).");
        return ConnectionString!;
    }

    /// <summary>A table name no parallel test uses (MariaDB allows 64 characters); the test drops it when done.</summary>
    public static string UniqueTable(string prefix) => $"{prefix}_{Guid.NewGuid():N}";
}
