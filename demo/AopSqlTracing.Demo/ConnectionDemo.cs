using System.Data.Common;
using System.Diagnostics;
using Autofac;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Demo;

/// <summary>The seed's connection case: a connection marked with a parent for its transaction.</summary>
internal static class ConnectionDemo
{
    public static async Task RunAsync(ActivitySource source)
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:"), options => options.TraceAllCommands = false)
            .InstancePerLifetimeScope();
        await using var container = builder.Build();
        await using var scope = container.BeginLifetimeScope();
        using var parent = source.StartActivity("register users");

        var connection = scope.Resolve<DbConnection>();
        await connection.OpenAsync();

        // Everything this connection runs until its transaction ends is a child of `parent`.
        using var transaction = connection.BeginTransaction();
        connection.SetParentSpan(parent!);

        Run(connection, transaction, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
        foreach (var name in new[] { "Ada", "Grace", "Barbara" })
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO users (name) VALUES ($name)";
            insert.Parameters.Add(new SqliteParameter("$name", name));
            insert.ExecuteNonQuery();
        }

        using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT id, name FROM users ORDER BY name";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                Console.WriteLine($"user {reader.GetInt64(0)}: {reader.GetString(1)}");
            }
        }

        try
        {
            Run(connection, transaction, "INSERT INTO users (name) VALUES ('Ada')");
        }
        catch (SqliteException error)
        {
            Console.WriteLine($"expected failure: {error.Message}");
        }

        transaction.Commit();

        // The commit ended the connection's mark: this statement is not traced.
        Run(connection, null, "SELECT COUNT(*) FROM users");
    }

    private static void Run(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
