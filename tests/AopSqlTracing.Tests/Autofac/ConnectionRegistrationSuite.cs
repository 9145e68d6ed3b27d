using System.Data.Common;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;
using Autofac.Builder;

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
    public void TraceAllDatabases_ConnectionRegisteredLaterInAChildScope_IsTraced()
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.TraceAllDatabases();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope(child => child.Register(_ => Provider.CreateConnection()).As<DbConnection>());

        var connection = scope.Resolve<DbConnection>();
        connection.Open();
        connection.Execute("SELECT 3 AS child_scope");

        Assert.NotSame(connection, connection.Unwrap());
        Assert.Equal("SELECT ? AS child_scope", Assert.Single(Recorder.Spans).GetTagItem("db.query.text"));
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

    // Autofac disposes the instance it activated; the proxy it hands out in its place must not dispose it again.
    // Npgsql never raises Disposed, so there both counts are 0; the next test counts the calls on every engine.
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task InstancePerLifetimeScope_ScopeEnds_ProviderConnectionRaisesDisposedAsOftenAsWithARawRegistration(bool endAsync)
    {
        RequireProvider();
        DbConnection CountingDisposedEvents(Action disposed)
        {
            var connection = Provider.CreateConnection();
            connection.Disposed += (_, _) => disposed();
            return connection;
        }

        var raw = await DisposalsWhenScopeEnds(traced: false, endAsync, CountingDisposedEvents);
        var traced = await DisposalsWhenScopeEnds(traced: true, endAsync, CountingDisposedEvents);

        Assert.Equal(raw, traced);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task InstancePerLifetimeScope_ScopeEnds_RegisteredConnectionIsDisposedOnceAsWithARawRegistration(bool endAsync)
    {
        RequireProvider();
        DbConnection CountingDisposals(Action disposed) => new CountingConnection(Provider.CreateConnection(), disposed);

        var raw = await DisposalsWhenScopeEnds(traced: false, endAsync, CountingDisposals);
        var traced = await DisposalsWhenScopeEnds(traced: true, endAsync, CountingDisposals);

        Assert.Equal(1, raw);
        Assert.Equal(1, traced);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task InstancePerLifetimeScope_ScopeEndsWithAReaderOpen_ReaderSpanEndsAndDisposedFiresOnceOnTheProxy(bool endAsync)
    {
        var container = Container();
        var scope = container.BeginLifetimeScope();
        var connection = scope.OpenConnection();
        var senders = new List<object?>();
        connection.Disposed += (sender, _) => senders.Add(sender);
        var reader = connection.Command("SELECT 1").ExecuteReader();
        Assert.True(reader.Read());

        if (endAsync)
        {
            await scope.DisposeAsync();
        }
        else
        {
            scope.Dispose();
        }

        Assert.Single(Recorder.Spans);
        Assert.Equal([connection], senders);
        Assert.Equal(System.Data.ConnectionState.Closed, connection.State);
    }

    // Without tracing the user's dispose and the scope's are two disposals; tracing adds none.
    [SkippableFact]
    public async Task InstancePerLifetimeScope_UserDisposesTheConnectionThenTheScopeEnds_AsManyDisposalsAsWithARawRegistration()
    {
        RequireProvider();
        DbConnection CountingDisposals(Action disposed) => new CountingConnection(Provider.CreateConnection(), disposed);

        var raw = await DisposalsWhenScopeEnds(traced: false, endAsync: false, CountingDisposals, userDisposes: true);
        var traced = await DisposalsWhenScopeEnds(traced: true, endAsync: false, CountingDisposals, userDisposes: true);

        Assert.Equal(raw, traced);
    }
}

public abstract partial class ConnectionRegistrationSuite<TProvider>
{
    // Resolves, opens and uses a connection of a raw or a traced registration in a scope (disposing it, if the user
    // does), ends the scope, and returns how often the connection that create made counted a disposal.
    private static async Task<int> DisposalsWhenScopeEnds(bool traced, bool endAsync, Func<Action, DbConnection> create, bool userDisposes = false)
    {
        var disposals = 0;
        var builder = new ContainerBuilder();
        Func<IComponentContext, DbConnection> factory = _ => create(() => disposals++);
        var registration = traced ? builder.RegisterTracedDatabase(factory) : builder.Register(factory).As<DbConnection>();
        registration.InstancePerLifetimeScope();
        await using var container = builder.Build();
        var scope = container.BeginLifetimeScope();
        var connection = scope.OpenConnection();
        connection.Execute("SELECT 1");
        if (userDisposes)
        {
            connection.Dispose();
        }

        if (endAsync)
        {
            await scope.DisposeAsync();
        }
        else
        {
            scope.Dispose();
        }

        return disposals;
    }

    // As a user writes it for a provider type known at compile time: Register(_ => new XConnection(cs)).AsSelf().As<DbConnection>().
    private void RegisterAsSelfAndDbConnection(ContainerBuilder builder, Type providerType)
        => GetType().BaseType!.GetMethod(nameof(RegisterTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(providerType)
            .Invoke(this, [builder]);

    private void RegisterTyped<TConnection>(ContainerBuilder builder)
        where TConnection : DbConnection
        => builder.Register(_ => (TConnection)Provider.CreateConnection()).AsSelf().As<DbConnection>().InstancePerLifetimeScope();

    // Around the provider's connection, counting the disposals of the object Autofac activated: Npgsql raises no
    // Disposed event, so the calls themselves are counted.
    private sealed class CountingConnection(DbConnection inner, Action disposed) : DbConnection
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string ConnectionString
        {
            get => inner.ConnectionString;
            set => inner.ConnectionString = value;
        }

        public override string Database => inner.Database;

        public override string DataSource => inner.DataSource;

        public override string ServerVersion => inner.ServerVersion;

        public override System.Data.ConnectionState State => inner.State;

        public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);

        public override void Close() => inner.Close();

        public override void Open() => inner.Open();

        protected override DbTransaction BeginDbTransaction(System.Data.IsolationLevel isolationLevel) => inner.BeginTransaction(isolationLevel);

        protected override DbCommand CreateDbCommand() => inner.CreateCommand();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                disposed();
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

public sealed class SqliteConnectionRegistration : ConnectionRegistrationSuite<SqliteProvider>;

public sealed class PostgresConnectionRegistration : ConnectionRegistrationSuite<PostgresProvider>;

public sealed class MariaDbConnectionRegistration : ConnectionRegistrationSuite<MariaDbProvider>;
