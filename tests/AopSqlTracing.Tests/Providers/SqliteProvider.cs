using System.Data.Common;
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

    public DbConnection CreateConnection() => new SqliteConnection("Data Source=:memory:");
}
