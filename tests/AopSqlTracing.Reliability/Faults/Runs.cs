using System.Data.Common;
using Autofac;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Reliability.Faults;

/// <summary>The fault workload run untraced on a raw provider connection, or traced through a container.</summary>
public static class Runs
{
    public const string InMemory = "Data Source=:memory:";

    public static async Task<List<string>> UntracedAsync()
    {
        await using var connection = new SqliteConnection(InMemory);
        connection.Open();
        return await FaultWorkload.RunAsync(connection);
    }

    public static async Task<List<string>> TracedAsync(IContainer container, Action<ILifetimeScope, DbConnection>? mark = null)
    {
        await using var scope = container.BeginLifetimeScope();
        var connection = scope.Resolve<DbConnection>();
        connection.Open();
        mark?.Invoke(scope, connection);
        return await FaultWorkload.RunAsync(connection);
    }

    /// <summary>A container with SQLite in memory registered as the README shows, plus whatever <paramref name="register"/> adds.</summary>
    public static IContainer Container(Action<SqlTracingOptions>? configure = null, Action<ContainerBuilder>? register = null)
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection(InMemory), configure).InstancePerLifetimeScope();
        register?.Invoke(builder);
        return builder.Build();
    }
}
