using System.Data.Common;
using AopSqlTracing.Tests.Support;
using Autofac;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests;

/// <summary>Each traced database is stopped and started through its own handle, however many there are.</summary>
public sealed class TracedDatabaseExtensionsFixture : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public void StopTracing_HandleFromAConnection_StopsThatDatabaseOnly()
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection(TestContainers.InMemory)).Keyed<DbConnection>("orders").InstancePerLifetimeScope();
        builder.TraceAllDatabases();
        builder.Register(_ => new SqliteConnection(TestContainers.InMemory)).Keyed<DbConnection>("audit").InstancePerLifetimeScope();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();
        var orders = scope.ResolveKeyed<DbConnection>("orders");
        var audit = scope.ResolveKeyed<DbConnection>("audit");
        orders.Open();
        audit.Open();

        var ordersDatabase = orders.GetTracedDatabase()!;
        ordersDatabase.StopTracing();
        orders.Execute("SELECT 1 AS orders");
        audit.Execute("SELECT 2 AS audit");

        Assert.NotSame(ordersDatabase, audit.GetTracedDatabase());
        Assert.False(ordersDatabase.IsTracingEnabled);
        Assert.True(audit.GetTracedDatabase()!.IsTracingEnabled);
        Assert.Equal("SELECT ? AS audit", Assert.Single(_recorder.Spans).GetTagItem("db.query.text"));
        Assert.Equal(2, scope.Resolve<IEnumerable<ITracedDatabase>>().Count());
    }

    [Fact]
    public void GetTracedDatabase_PlainConnection_IsNull()
    {
        using var connection = new SqliteConnection(TestContainers.InMemory);

        Assert.Null(connection.GetTracedDatabase());
        Assert.Equal("connection", Assert.Throws<ArgumentNullException>(() => ((DbConnection)null!).GetTracedDatabase()).ParamName);
    }
}
