using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Reliability.Load;

/// <summary>
/// A SQLite file in WAL mode in the temp directory: readers run in parallel, writers queue on the database lock,
/// waiting (busy_timeout) instead of failing.
/// </summary>
public sealed class SqliteLoadDatabase : LoadDatabase
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"aopsql-load-{Guid.NewGuid():N}.db");
    private readonly string _connectionString;

    public SqliteLoadDatabase()
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Run(connection, "PRAGMA journal_mode = WAL");
        Run(connection, $"CREATE TABLE {Table} (id INTEGER PRIMARY KEY, worker INTEGER NOT NULL, n INTEGER NOT NULL, v TEXT NOT NULL)");
        Run(connection, $"CREATE INDEX {Table}_worker ON {Table} (worker, n)");
    }

    public override string Description => "SQLite file, WAL, busy_timeout 60 s";

    public override string Table => "items";

    public override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    public override void Prepare(DbConnection providerConnection)
        => Run(providerConnection, "PRAGMA busy_timeout = 60000; PRAGMA synchronous = NORMAL");

    public override void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            try
            {
                File.Delete(_path + suffix);
            }
            catch (IOException)
            {
                // A temp file left behind is harmless.
            }
        }
    }
}
