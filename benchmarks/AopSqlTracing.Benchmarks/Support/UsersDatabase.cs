using System.Data.Common;

namespace AopSqlTracing.Benchmarks;

/// <summary>A users table with a given number of rows, on any connection.</summary>
public static class UsersDatabase
{
    public const string PointSelect = "SELECT name FROM users WHERE id = @id";

    public static void Create(DbConnection connection, int rows, string identity = "INTEGER PRIMARY KEY")
    {
        Execute(connection, $"CREATE TEMP TABLE users (id {identity}, name TEXT NOT NULL)");
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO users (name) VALUES (@name)";
        var name = insert.CreateParameter();
        name.ParameterName = "name";
        insert.Parameters.Add(name);
        for (var i = 0; i < rows; i++)
        {
            name.Value = $"user {i}";
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>A prepared point select by key; its parameter is returned so a benchmark sets it without going through the command.</summary>
    public static DbCommand PreparePointSelect(DbConnection connection, out DbParameter id)
    {
        var command = connection.CreateCommand();
        command.CommandText = PointSelect;
        id = command.CreateParameter();
        id.ParameterName = "id";
        id.Value = 1;
        command.Parameters.Add(id);
        command.Prepare();
        return command;
    }

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
