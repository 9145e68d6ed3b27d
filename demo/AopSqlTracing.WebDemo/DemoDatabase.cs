using Microsoft.Data.Sqlite;

namespace AopSqlTracing.WebDemo;

/// <summary>The demo's SQLite file: created on start with its table and two users, so the endpoints have rows.</summary>
public static class DemoDatabase
{
    /// <summary>The file used when the configuration names none.</summary>
    public static string DefaultPath => Path.Combine(Path.GetTempPath(), "aopsqltracing-webdemo.db");

    /// <summary>Creates the file and its schema when missing, and returns the connection string the app registers.</summary>
    public static string EnsureCreated(string path)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString();

        // A plain connection, not the container's: setting up the file is not part of any request's trace.
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();

        // WAL lets the list and health requests read while a create writes.
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
            INSERT INTO users (name) SELECT 'Ada' WHERE NOT EXISTS (SELECT 1 FROM users);
            INSERT INTO users (name) SELECT 'Edsger' WHERE (SELECT count(*) FROM users) = 1;
            """;
        command.ExecuteNonQuery();
        return connectionString;
    }
}
