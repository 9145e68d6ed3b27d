using System.Data.Common;
using AopSqlTracing.Reliability.Support;
using MySqlConnector;

namespace AopSqlTracing.Reliability.Load;

/// <summary>A uniquely named MariaDB (InnoDB) table (tests run in parallel), dropped when the run is done.</summary>
public sealed class MariaDbLoadDatabase : LoadDatabase
{
    private readonly string _connectionString;

    public MariaDbLoadDatabase(string connectionString)
    {
        _connectionString = connectionString;
        Table = MariaDbServer.UniqueTable("reliability_load");
        using var connection = new MySqlConnection(_connectionString);
        connection.Open();
        Run(connection, $"CREATE TABLE {Table} (id INT AUTO_INCREMENT PRIMARY KEY, worker INT NOT NULL, n INT NOT NULL, v TEXT NOT NULL, INDEX {Table}_worker (worker, n))");
    }

    public override string Description => "MariaDB, pooled connections (MySqlConnector), InnoDB";

    public override string Table { get; }

    public override DbConnection CreateConnection() => new MySqlConnection(_connectionString);

    public override void Dispose()
    {
        using var connection = new MySqlConnection(_connectionString);
        connection.Open();
        Run(connection, $"DROP TABLE IF EXISTS {Table}");
    }
}
