using System.Data.Common;
using System.Diagnostics;
using Autofac;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Demo;

/// <summary>
/// The seed's Session case, the Autofac way: one lifetime scope per simulated request, marked with the request's
/// span, and a [Traced] repository whose SQL sits under its calls: request → repository method → SQL.
/// </summary>
internal static class UnitOfWorkDemo
{
    // A named in-memory database shared by every connection while one stays open.
    private const string SharedDatabase = "Data Source=aopsql-demo;Mode=Memory;Cache=Shared";

    public static async Task RunAsync(ActivitySource source)
    {
        await using var keeper = new SqliteConnection(SharedDatabase);
        await keeper.OpenAsync();
        using (var create = keeper.CreateCommand())
        {
            create.CommandText = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)";
            create.ExecuteNonQuery();
        }

        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection(SharedDatabase), options => options.TraceAllCommands = false)
            .InstancePerLifetimeScope();
        builder.RegisterType<UserRepository>().As<IUserRepository>().InstancePerLifetimeScope();
        await using var container = builder.Build();

        foreach (var name in new[] { "Edsger", "Donald" })
        {
            using var request = source.StartActivity($"POST /users {name}");
            await using var scope = container.BeginLifetimeScope();
            scope.SetParentSpan(request!);
            await scope.Resolve<DbConnection>().OpenAsync();

            var users = scope.Resolve<IUserRepository>();
            var id = await users.AddAsync(name);
            var names = await users.NamesAsync();
            Console.WriteLine($"request {request!.DisplayName}: added #{id}, now {string.Join(", ", names)}");
        }
    }
}
