using System.Data.Common;
using AopSqlTracing.Tests.Support;
using Autofac;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Autofac;

/// <summary>Constructor injection of the provider's own type works under <c>TraceAllDatabases()</c> as without tracing.</summary>
public sealed class ProviderTypeInjectionFixture
{
    [Fact]
    public void TraceAllDatabases_ConsumerOfSqliteConnection_GetsTheProvidersConnection()
    {
        var builder = new ContainerBuilder();
        builder.TraceAllDatabases();
        builder.Register(_ => new SqliteConnection(TestContainers.InMemory)).AsSelf().As<DbConnection>().InstancePerLifetimeScope();
        builder.RegisterType<NeedsSqlite>().InstancePerLifetimeScope();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();

        var consumer = scope.Resolve<NeedsSqlite>();

        Assert.Same(consumer.Connection, scope.Resolve<DbConnection>().Unwrap());
    }

    private sealed class NeedsSqlite(SqliteConnection connection)
    {
        public SqliteConnection Connection { get; } = connection;
    }
}
