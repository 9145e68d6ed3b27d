using System.Data;
using System.Data.Common;
using AopSqlTracing.Autofac;
using AopSqlTracing.Repositories;
using Autofac;
using Autofac.Builder;
using Autofac.Core;
using Autofac.Core.Resolving.Pipeline;
using AopSqlTracing.Execution;

namespace AopSqlTracing;

/// <summary>
/// The door into the library: register a traced database, or trace every connection registration in the container.
/// </summary>
public static class SqlTracingRegistrationExtensions
{
    private const string TraceAllKey = "AopSqlTracing.TraceAllDatabases";
    private const string DatabasesKey = "AopSqlTracing.Databases";

    /// <summary>
    /// Registers a database whose connections are traced: each resolved <see cref="DbConnection"/> (or
    /// <see cref="IDbConnection"/>) is a proxy of the one <paramref name="factory"/> makes, and every command run
    /// through it becomes a span.
    /// </summary>
    /// <param name="builder">The container builder.</param>
    /// <param name="factory">Makes the provider's connection, e.g. <c>_ =&gt; new SqliteConnection("Data Source=:memory:")</c>.</param>
    /// <param name="configure">Sets the <see cref="SqlTracingOptions"/> of this database; omit for the defaults.</param>
    /// <returns>The registration, so the caller picks its lifetime (<c>InstancePerLifetimeScope()</c>, …) and ownership.</returns>
    public static IRegistrationBuilder<DbConnection, SimpleActivatorData, SingleRegistrationStyle> RegisterTracedDatabase(
        this ContainerBuilder builder,
        Func<IComponentContext, DbConnection> factory,
        Action<SqlTracingOptions>? configure = null)
        => RegisterTraced(builder, factory, configure).As<IDbConnection>();

    /// <summary>
    /// Registers a traced data source (.NET 7+'s <see cref="DbDataSource"/>, e.g. <c>NpgsqlDataSource.Create(cs)</c>):
    /// the resolved <see cref="DbDataSource"/> is a proxy whose connections (<c>OpenConnection</c>,
    /// <c>OpenConnectionAsync</c>, <c>CreateConnection</c>) are traced connections, and whose own commands and
    /// batches (<c>CreateCommand(sql)</c>, <c>CreateBatch()</c>) are traced too.
    /// </summary>
    /// <remarks>
    /// A data source is usually one per application (<c>SingleInstance()</c>); each lifetime scope that resolves it
    /// gets a proxy of its own, so the connections it opens there carry that scope's marks. Autofac disposes the
    /// provider's data source, once, with the scope that owns it.
    /// </remarks>
    /// <param name="builder">The container builder.</param>
    /// <param name="factory">Makes the provider's data source, e.g. <c>_ =&gt; NpgsqlDataSource.Create(cs)</c>.</param>
    /// <param name="configure">Sets the <see cref="SqlTracingOptions"/> of this database; omit for the defaults.</param>
    /// <returns>The registration, so the caller picks its lifetime (usually <c>SingleInstance()</c>).</returns>
    public static IRegistrationBuilder<DbDataSource, SimpleActivatorData, SingleRegistrationStyle> RegisterTracedDataSource(
        this ContainerBuilder builder,
        Func<IComponentContext, DbDataSource> factory,
        Action<SqlTracingOptions>? configure = null)
        => RegisterTraced(builder, factory, configure);

    /// <summary>
    /// Traces every registration of <see cref="DbConnection"/>, <see cref="IDbConnection"/> or <see cref="DbDataSource"/>
    /// in this container, however it is registered.
    /// </summary>
    /// <remarks>
    /// A database also registered with <see cref="RegisterTracedDatabase"/> keeps its own options and is traced once,
    /// so calling both is harmless; calling this twice configures the same options again.
    /// Registrations made later in child lifetime scopes (<c>BeginLifetimeScope(b =&gt; b.Register(...))</c>) are traced too.
    /// </remarks>
    /// <param name="builder">The container builder.</param>
    /// <param name="configure">Sets the <see cref="SqlTracingOptions"/> for these connections; omit for the defaults.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static ContainerBuilder TraceAllDatabases(this ContainerBuilder builder, Action<SqlTracingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        if (builder.Properties.TryGetValue(TraceAllKey, out var existing) && existing is TracedDatabase already)
        {
            configure?.Invoke(already.Options);
            return builder;
        }

        var database = RegisterDatabase(builder, configure);
        builder.Properties[TraceAllKey] = database;
        builder.ComponentRegistryBuilder.Registered += (_, registered) =>
        {
            var registration = registered.ComponentRegistration;
            if (IsConnection(registration) && ConnectionMiddleware.DatabaseOf(registration) is null)
            {
                registration.Metadata[ConnectionMiddleware.DatabaseKey] = database;
            }
        };
        return builder;
    }

    /// <summary>
    /// Traces every call of this registration's interface methods, for repositories whose interfaces you cannot
    /// annotate with <see cref="TracedAttribute"/>. The registration must be exposed only as interfaces.
    /// </summary>
    /// <typeparam name="TLimit">The registration's limit type.</typeparam>
    /// <typeparam name="TActivatorData">The registration's activator data.</typeparam>
    /// <typeparam name="TRegistrationStyle">The registration's style.</typeparam>
    /// <param name="registration">The registration, e.g. <c>builder.RegisterType&lt;UserRepository&gt;().As&lt;IUserRepository&gt;()</c>.</param>
    /// <returns>The same registration, for chaining.</returns>
    /// <exception cref="InvalidOperationException">Thrown by the container's <c>Build()</c> when the registration is also exposed as a class.</exception>
    public static IRegistrationBuilder<TLimit, TActivatorData, TRegistrationStyle> EnableSqlTracing<TLimit, TActivatorData, TRegistrationStyle>(
        this IRegistrationBuilder<TLimit, TActivatorData, TRegistrationStyle> registration)
        where TRegistrationStyle : SingleRegistrationStyle
    {
        ArgumentNullException.ThrowIfNull(registration);
        return registration
            .WithMetadata(RepositoryMiddleware.ExplicitRepositoryKey, true)
            .OnRegistered(registered => RepositoryMiddleware.AttachTo(registered.ComponentRegistration, explicitly: true));
    }

    // A connection or data source registration the connection middleware hands out traced: its database in its metadata.
    private static IRegistrationBuilder<T, SimpleActivatorData, SingleRegistrationStyle> RegisterTraced<T>(
        ContainerBuilder builder, Func<IComponentContext, T> factory, Action<SqlTracingOptions>? configure)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        return builder.Register(factory).As<T>().WithMetadata(ConnectionMiddleware.DatabaseKey, RegisterDatabase(builder, configure));
    }

    private static TracedDatabase RegisterDatabase(ContainerBuilder builder, Action<SqlTracingOptions>? configure)
    {
        var databases = RegisterServicesOnce(builder);
        var options = new SqlTracingOptions();
        configure?.Invoke(options);
        var database = new TracedDatabase(options);
        databases.Add(database);
        builder.RegisterInstance(database).As<ITracedDatabase>();
        return database;
    }

    // Once per container: the default parent policy (a user's own registration wins, before or after this one),
    // and the scan that proxies every registration exposing a [Traced] interface.
    private static TracedDatabases RegisterServicesOnce(ContainerBuilder builder)
    {
        if (builder.Properties.TryGetValue(DatabasesKey, out var existing) && existing is TracedDatabases registered)
        {
            return registered;
        }

        var databases = new TracedDatabases();
        builder.Properties[DatabasesKey] = databases;
        builder.RegisterInstance(databases).ExternallyOwned();
        builder.RegisterServiceMiddlewareSource(new ConnectionMiddleware());
        builder.RegisterInstance(DefaultParentSpanPolicy.Instance).As<IParentSpanPolicy>().PreserveExistingDefaults();
        builder.ComponentRegistryBuilder.Registered += (_, registered) =>
        {
            var registration = registered.ComponentRegistration;
            if (!registration.Metadata.ContainsKey(RepositoryMiddleware.ExplicitRepositoryKey) && IsAttributedRepository(registration))
            {
                RepositoryMiddleware.AttachTo(registration, explicitly: false);
            }
        };
        return databases;
    }

    private static bool IsAttributedRepository(IComponentRegistration registration)
        => registration.Services.Any(service => service is IServiceWithType typed && TracedMethods.IsAttributed(typed.ServiceType));

    private static bool IsConnection(IComponentRegistration registration) => registration.Services.Any(ConnectionMiddleware.IsConnectionService);
}
