namespace AopSqlTracing.AspNetCore.Tests.Support;

/// <summary>
/// The PostgreSQL server named by <c>AOPSQL_POSTGRES</c> (set by <c>.ci/run</c>); without it the PostgreSQL
/// tests are skipped, each with that reason.
/// </summary>
public static class PostgresServer
{
    private const string Variable = "AOPSQL_POSTGRES";

    /// <summary>Skips the calling test when no server is configured; otherwise gives its connection string.</summary>
    public static string ConnectionStringOrSkip()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        Skip.If(string.IsNullOrEmpty(connectionString), $"PostgreSQL is not configured: set {Variable} to an Npgsql connection string (bash .ci/run does).");
        return connectionString!;
    }
}
