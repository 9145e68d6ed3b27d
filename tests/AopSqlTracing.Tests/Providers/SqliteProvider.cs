using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Providers;

/// <summary>SQLite in memory: every connection is its own empty database.</summary>
public sealed class SqliteProvider : IDatabaseProvider
{
    public string? SkipReason => null;

    public string SystemName => "sqlite";

    // SQLite calls a connection's own database "main" (TEMP tables live in "temp" beside it).
    public string DatabaseName => "main";

    public string IdentityColumn => "INTEGER PRIMARY KEY";

    public bool ErrorAbortsTransaction => false;

    public string MissingTableMessage(string table) => $"no such table: {table}";

    // SQLite's 1/0 is NULL, not an error; a missing table fails when the statement is prepared, at its turn.
    public string FailingSelect => "SELECT * FROM no_such_table";

    public string StatusCode(DbException exception) => ((SqliteException)exception).SqliteErrorCode.ToString(CultureInfo.InvariantCulture);

    public string MatchesAny(string column, string listParameter) => $"{column} IN {listParameter}";

    public DbConnection CreateConnection() => new SqliteConnection("Data Source=:memory:");

    // Microsoft.Data.Sqlite has no data source of its own: the framework's, over its provider factory.
    public DbDataSource CreateDataSource() => SqliteFactory.Instance.CreateDataSource("Data Source=:memory:");
}
