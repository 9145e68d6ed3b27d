using System.Data.Common;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Autofac;

/// <summary>
/// How registrations hand out traced connections: by the ADO.NET type a traced proxy, by the provider's own type the
/// provider's connection as without tracing, and a connection shared by scopes under each scope's own marks.
/// </summary>
public abstract partial class ConnectionRegistrationSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableFact]
    public void TraceAllDatabases_RegistrationAlsoAsProviderType_ProviderTypeResolvesToTheTracedConnectionsTarget()
    {
        RequireProvider();
        var providerType = Provider.CreateConnection().GetType();
        var builder = new ContainerBuilder();
        builder.TraceAllDatabases();
        RegisterAsSelfAndDbConnection(builder, providerType);
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();

        var raw = (DbConnection)scope.Resolve(providerType);
        var traced = scope.Resolve<DbConnection>();

        Assert.IsType(providerType, raw);
        Assert.IsNotType(providerType, traced);
        Assert.Same(raw, traced.Unwrap());
        Assert.Same(traced, scope.Resolve<DbConnection>());
        traced.Open();
        raw.Execute("SELECT 1 AS untraced");
        traced.Execute("SELECT 2 AS traced");
        Assert.Equal("SELECT ? AS traced", Assert.Single(Recorder.Spans).GetTagItem("db.query.text"));
    }

    [SkippableFact]
    public void ProviderTypeResolvedFirst_ThenDbConnection_IsStillTraced()
    {
        RequireProvider();
        var providerType = Provider.CreateConnection().GetType();
        var builder = new ContainerBuilder();
        builder.TraceAllDatabases();
        RegisterAsSelfAndDbConnection(builder, providerType);
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();

        var raw = (DbConnection)scope.Resolve(providerType);
        using var traced = scope.OpenConnection();
        traced.Execute("SELECT 1");

        Assert.Same(raw, traced.Unwrap());
        Assert.Single(Recorder.Spans);
    }

    [SkippableFact]
    public void SharedConnection_MarkedScopeAndUnmarkedScope_OnlyTheMarkedScopesSqlIsTracedUnderItsParent()
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection(), o => o.TraceAllCommands = false).SingleInstance();
        using var container = builder.Build();
        using var parent = Recorder.StartParent("request A");
        using var requestA = container.BeginLifetimeScope();
        using var requestB = container.BeginLifetimeScope();
        requestA.SetParentSpan(parent);

        var inA = requestA.Resolve<DbConnection>();
        var inB = requestB.Resolve<DbConnection>();
        inA.Open();
        inB.Execute("SELECT 1 AS request_b");
        inA.Execute("SELECT 2 AS request_a");

        Assert.Same(inA.Unwrap(), inB.Unwrap());
        Assert.Same(inA, requestA.Resolve<DbConnection>());
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("SELECT ? AS request_a", span.GetTagItem("db.query.text"));
        Assert.Equal(parent.SpanId, span.ParentSpanId);
    }

    [SkippableFact]
    public void MatchingScopeConnection_MarkOnTheChildScopeThatResolvesIt_Applies()
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection(), o => o.TraceAllCommands = false).InstancePerMatchingLifetimeScope("unit");
        using var container = builder.Build();
        using var parent = Recorder.StartParent("step");
        using var unit = container.BeginLifetimeScope("unit");
        using var step = unit.BeginLifetimeScope();
        step.SetParentSpan(parent);

        using var connection = step.OpenConnection();
        connection.Execute("SELECT 1 AS in_step");
        unit.Resolve<DbConnection>().Execute("SELECT 2 AS in_unit");

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("SELECT ? AS in_step", span.GetTagItem("db.query.text"));
        Assert.Equal(parent.SpanId, span.ParentSpanId);
    }

    [SkippableFact]
    public void SharedConnection_ScopeEndsWithItsReaderOpen_ReaderSpanEndsAndConnectionStaysUsable()
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection()).SingleInstance();
        using var container = builder.Build();
        var shared = container.Resolve<DbConnection>();
        shared.Open();

        using (var request = container.BeginLifetimeScope())
        {
            var reader = request.Resolve<DbConnection>().Command("SELECT 1").ExecuteReader();
            Assert.True(reader.Read());
            Assert.Empty(Recorder.Spans);
        }

        Assert.Single(Recorder.Spans);
        Assert.Equal(System.Data.ConnectionState.Open, shared.State);
    }
}

public abstract partial class ConnectionRegistrationSuite<TProvider>
{
    // As a user writes it for a provider type known at compile time: Register(_ => new XConnection(cs)).AsSelf().As<DbConnection>().
    private void RegisterAsSelfAndDbConnection(ContainerBuilder builder, Type providerType)
        => GetType().BaseType!.GetMethod(nameof(RegisterTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(providerType)
            .Invoke(this, [builder]);

    private void RegisterTyped<TConnection>(ContainerBuilder builder)
        where TConnection : DbConnection
        => builder.Register(_ => (TConnection)Provider.CreateConnection()).AsSelf().As<DbConnection>().InstancePerLifetimeScope();
}

public sealed class SqliteConnectionRegistration : ConnectionRegistrationSuite<SqliteProvider>;

public sealed class PostgresConnectionRegistration : ConnectionRegistrationSuite<PostgresProvider>;

public sealed class MariaDbConnectionRegistration : ConnectionRegistrationSuite<MariaDbProvider>;
