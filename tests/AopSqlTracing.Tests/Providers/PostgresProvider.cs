using System.Data.Common;
using Npgsql;

namespace AopSqlTracing.Tests.Providers;

/// <summary>
/// PostgreSQL through Npgsql, at the connection string in <c>AOPSQL_POSTGRES</c> (set by <c>.ci/run</c>).
/// Without it the PostgreSQL tests are skipped, so <c>dotnet test</c> stays green on a machine without a server.
/// </summary>
public sealed class PostgresProvider : IDatabaseProvider
{
    public const string ConnectionStringVariable = "AOPSQL_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } value ? value : null;

    public string? SkipReason => ConnectionString is null
        ? $"PostgreSQL is not configured: set {ConnectionStringVariable} to an Npgsql connection string (bash .ci/run does)."
        : null;

    public string SystemName => "postgresql";

    // The database named in the connection string; without one, Npgsql connects to the database named after the user.
    public string DatabaseName
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            return builder.Database ?? builder.Username ?? string.Empty;
        }
    }

    public string IdentityColumn => "SERIAL PRIMARY KEY";

    public bool ErrorAbortsTransaction => true;

    public string MissingTableMessage(string table) => $"relation \"{table}\" does not exist";

    public string FailingSelect => "SELECT 1/0";

    public string StatusCode(DbException exception) => exception.SqlState!;

    // Dapper sends a list to Npgsql as one array parameter.
    public string MatchesAny(string column, string listParameter) => $"{column} = ANY({listParameter})";

    public DbConnection CreateConnection() => new NpgsqlConnection(ConnectionString);

    public DbDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString!);
}
