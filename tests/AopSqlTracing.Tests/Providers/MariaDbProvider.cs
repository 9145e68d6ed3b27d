using System.Data.Common;
using System.Globalization;
using MySqlConnector;

namespace AopSqlTracing.Tests.Providers;

/// <summary>
/// MariaDB through MySqlConnector, at the connection string in <c>AOPSQL_MARIADB</c> (set by <c>.ci/run</c>, which
/// starts a server with <c>.ci/mariadb.sh</c>). Without it the MariaDB tests are skipped, so <c>dotnet test</c> stays
/// green on a machine without a server.
/// </summary>
public sealed class MariaDbProvider : IDatabaseProvider
{
    public const string ConnectionStringVariable = "AOPSQL_MARIADB";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } value ? value : null;

    public string? SkipReason => ConnectionString is null
        ? $"MariaDB is not configured: set {ConnectionStringVariable} to a MySqlConnector connection string (bash .ci/run does)."
        : null;

    public string SystemName => "mariadb";

    // The database named in the connection string (MariaDB has no schemas inside a database).
    public string DatabaseName => new MySqlConnectionStringBuilder(ConnectionString ?? string.Empty).Database;

    public string IdentityColumn => "INT AUTO_INCREMENT PRIMARY KEY";

    // A failed statement leaves the transaction usable; only a deadlock or a lock wait timeout rolls it back.
    public bool ErrorAbortsTransaction => false;

    public string MissingTableMessage(string table) => $"Table '{DatabaseName}.{table}' doesn't exist";

    // MariaDB's 1/0 is NULL with a warning; a missing table fails when the server reaches that statement.
    public string FailingSelect => "SELECT * FROM no_such_table";

    // The server's error number (1062 for a duplicate, 1064 for a syntax error), not the SQLSTATE MySqlConnector also gives.
    public string StatusCode(DbException exception) => ((MySqlException)exception).Number.ToString(CultureInfo.InvariantCulture);

    // Dapper expands a list into one parameter per item: IN (@ids1, @ids2, …).
    public string MatchesAny(string column, string listParameter) => $"{column} IN {listParameter}";

    public DbConnection CreateConnection() => new MySqlConnection(ConnectionString);

    public DbDataSource CreateDataSource() => new MySqlDataSource(ConnectionString!);
}
