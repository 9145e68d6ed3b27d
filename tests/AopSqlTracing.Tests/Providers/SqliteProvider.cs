using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Providers;

/// <summary>SQLite in memory: every connection is its own empty database.</summary>
public sealed class SqliteProvider : IDatabaseProvider
{
    public string? SkipReason => null;

    public string SystemName => "sqlite";

    public string IdentityColumn => "INTEGER PRIMARY KEY";

    public DbConnection CreateConnection() => new SqliteConnection("Data Source=:memory:");
}
