using System.Data.Common;
using System.Diagnostics;
using Autofac;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Demo;

/// <summary>
/// An N+1 caught: one SELECT per row of an earlier result, inside a unit of work (a marked lifetime scope). When the
/// scope's unit of work ends, its span gets one <c>db.repeated_statement</c> event naming the shape and the count.
/// </summary>
internal static class RepeatedStatementDemo
{
    public static async Task RunAsync(ActivitySource source)
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:"), options => options.RepeatedStatementThreshold = 3)
            .InstancePerLifetimeScope();
        await using var container = builder.Build();
        using var report = source.StartActivity("monthly report");
        await using (var scope = container.BeginLifetimeScope())
        {
            scope.SetParentSpan(report!);
            var connection = scope.Resolve<DbConnection>();
            await connection.OpenAsync();
            Run(connection, "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL)");
            Run(connection, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
            Run(connection, "INSERT INTO customers (id, name) VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Barbara')");
            Run(connection, "INSERT INTO orders (customer_id) VALUES (1), (2), (3), (1)");

            var customerIds = new List<long>();
            using (var orders = connection.CreateCommand())
            {
                orders.CommandText = "SELECT customer_id FROM orders ORDER BY id";
                using var reader = await orders.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    customerIds.Add(reader.GetInt64(0));
                }
            }

            // The N+1: one query per order, where one JOIN would do.
            foreach (var customerId in customerIds)
            {
                using var customer = connection.CreateCommand();
                customer.CommandText = "SELECT name FROM customers WHERE id = $id";
                customer.Parameters.Add(new SqliteParameter("$id", customerId));
                Console.WriteLine($"order of {await customer.ExecuteScalarAsync()}");
            }

            // The unit of work ends here: the scope's span hears of the repeated SELECT.
            scope.ClearTraced();
        }

        foreach (var repeated in report!.Events.Where(e => e.Name == "db.repeated_statement"))
        {
            Console.WriteLine($"{repeated.Name}: {string.Join(", ", repeated.Tags.Select(t => $"{t.Key}={t.Value}"))}");
        }
    }

    private static void Run(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
