using System.Data;
using System.Data.Common;
using AopSqlTracing.Tests.Support;
using Autofac;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Seed;

/// <summary>The seed's test_api.py, in .NET form.</summary>
public sealed class GlobalCallsFixture
{
    [Fact]
    public void Init_DefaultsToTracingAllCommands()
    {
        using var container = TestContainers.Sqlite();

        var database = container.Resolve<ITracedDatabase>();

        Assert.True(database.Options.TraceAllCommands);
        Assert.True(database.IsTracingEnabled);
        Assert.True(new SqlTracingOptions().TraceAllCommands);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Init_TraceAllCommands_IsTakenFromConfigure(bool traceAll)
    {
        using var container = TestContainers.Sqlite(options => options.TraceAllCommands = traceAll);

        Assert.Equal(traceAll, container.Resolve<ITracedDatabase>().Options.TraceAllCommands);
    }

    [Fact]
    public void Init_TraceAllDatabases_ProxiesPlainRegistrations()
    {
        var traced = new ContainerBuilder();
        traced.TraceAllDatabases();
        traced.Register(_ => new SqliteConnection(TestContainers.InMemory)).As<DbConnection>();
        var untraced = new ContainerBuilder();
        untraced.Register(_ => new SqliteConnection(TestContainers.InMemory)).As<DbConnection>();

        using var tracedContainer = traced.Build();
        using var untracedContainer = untraced.Build();

        Assert.IsNotType<SqliteConnection>(tracedContainer.Resolve<DbConnection>());
        Assert.IsType<SqliteConnection>(tracedContainer.Resolve<DbConnection>().Unwrap());
        Assert.IsType<SqliteConnection>(untracedContainer.Resolve<DbConnection>());
    }

    [Fact]
    public void TracedProperty_SetTraced_IsReadBack()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.Resolve<DbConnection>();
        using var command = connection.Command(Sql.CreateUsers);

        command.SetTraced();

        Assert.True(command.GetTraced());
    }

    [Fact]
    public void HasParent_SetParentSpan_IsReadBack()
    {
        using var recorder = new SpanRecorder();
        using var container = TestContainers.Sqlite();
        using var connection = container.Resolve<DbConnection>();
        using var command = connection.Command(Sql.CreateUsers);
        using var span = recorder.StartParent();

        command.SetParentSpan(span);

        Assert.True(command.HasParentSpan());
        Assert.Equal(span.Context, command.GetParentSpan());
        Assert.True(command.GetTraced());
    }

    [Fact]
    public void HasParentNone_SetTraced_HasNoParent()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.Resolve<DbConnection>();
        using var command = connection.Command(Sql.CreateUsers);

        command.SetTraced();

        Assert.False(command.HasParentSpan());
        Assert.Null(command.GetParentSpan());
    }

    // The seed raised RuntimeError here; registering a database that TraceAllDatabases covers anyway is harmless instead.
    [Fact]
    public void RegisterDup_TracedDatabaseUnderTraceAll_IsTracedOnce()
    {
        using var recorder = new SpanRecorder();
        var builder = new ContainerBuilder();
        builder.TraceAllDatabases();
        builder.TraceAllDatabases();
        builder.RegisterTracedDatabase(_ => new SqliteConnection(TestContainers.InMemory));
        using var container = builder.Build();
        using var connection = container.OpenConnection();

        connection.Execute(Sql.CreateUsers);

        Assert.Single(recorder.Spans);
        Assert.IsType<SqliteConnection>(connection.Unwrap());
        Assert.IsType<SqliteConnection>(((IDbConnection)container.Resolve<IDbConnection>() as DbConnection)!.Unwrap());
    }
}
