using System.Data.Common;
using Autofac;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Support;

/// <summary>Builds containers the way the README tells users to: an in-memory SQLite database registered as traced.</summary>
public static class TestContainers
{
    public const string InMemory = "Data Source=:memory:";

    public static IContainer Sqlite(Action<SqlTracingOptions>? configure = null)
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection(InMemory), configure).InstancePerLifetimeScope();
        return builder.Build();
    }

    public static DbConnection OpenConnection(this IComponentContext context)
    {
        var connection = context.Resolve<DbConnection>();
        connection.Open();
        return connection;
    }

    public static int Execute(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteNonQuery();
    }

    public static DbCommand Command(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
