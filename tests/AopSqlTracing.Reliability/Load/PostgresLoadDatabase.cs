using System.Data.Common;
using Npgsql;

namespace AopSqlTracing.Reliability.Load;

/// <summary>A uniquely named PostgreSQL table (tests run in parallel), dropped when the run is done.</summary>
public sealed class PostgresLoadDatabase : LoadDatabase
{
    private readonly string _connectionString;

    public PostgresLoadDatabase(string connectionString)
    {
        // Repeated statements are prepared once per physical connection, as a busy application would configure it.
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 16, AutoPrepareMinUsages = 2 }.ToString();
        Table = Support.PostgresServer.UniqueTable("reliability_load");
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        Run(connection, $"CREATE TABLE {Table} (id SERIAL PRIMARY KEY, worker INTEGER NOT NULL, n INTEGER NOT NULL, v TEXT NOT NULL)");
        Run(connection, $"CREATE INDEX {Table}_worker ON {Table} (worker, n)");
    }

    public override string Description => "PostgreSQL, pooled connections, auto-prepared statements";

    public override string Table { get; }

    public override DbConnection CreateConnection() => new NpgsqlConnection(_connectionString);

    public override void Dispose()
    {
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        Run(connection, $"DROP TABLE IF EXISTS {Table}");
    }
}
