using System.Data;
using System.Data.Common;
using AopSqlTracing.Autofac;
using AopSqlTracing.Internal;
using Autofac;
using Autofac.Builder;
using Autofac.Core;
using Autofac.Core.Resolving.Pipeline;

namespace AopSqlTracing;

/// <summary>
/// The door into the library: register a traced database (the seed's <c>init_tracing</c> and <c>register_engine</c>),
/// or trace every connection registration in the container (the seed's <c>trace_all_engines</c>).
/// </summary>
public static class SqlTracingRegistrationExtensions
{
    private const string TraceAllKey = "AopSqlTracing.TraceAllDatabases";

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
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);

        var database = RegisterDatabase(builder, configure);
        var middleware = new ConnectionTracingMiddleware(database);
        return builder.Register(factory)
            .As<DbConnection>()
            .As<IDbConnection>()
            .WithMetadata(ConnectionTracingMiddleware.TracedRegistrationKey, true)
            .ConfigurePipeline(pipeline => pipeline.Use(middleware, MiddlewareInsertionMode.StartOfPhase));
    }

    /// <summary>
    /// Traces every registration of <see cref="DbConnection"/> or <see cref="IDbConnection"/> in this container,
    /// however it is registered (the seed's <c>trace_all_engines=True</c>).
    /// </summary>
    /// <remarks>
    /// A database also registered with <see cref="RegisterTracedDatabase"/> keeps its own options and is traced once,
    /// so calling both is harmless; calling this twice configures the same options again.
    /// Registrations made later in child lifetime scopes are not covered.
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
        var middleware = new ConnectionTracingMiddleware(database);
        builder.ComponentRegistryBuilder.Registered += (_, registered) =>
        {
            var registration = registered.ComponentRegistration;
            if (IsConnection(registration) && !registration.Metadata.ContainsKey(ConnectionTracingMiddleware.TracedRegistrationKey))
            {
                middleware.AttachTo(registration);
            }
        };
        return builder;
    }

    private static TracedDatabase RegisterDatabase(ContainerBuilder builder, Action<SqlTracingOptions>? configure)
    {
        var options = new SqlTracingOptions();
        configure?.Invoke(options);
        var database = new TracedDatabase(options);
        builder.RegisterInstance(database).As<ITracedDatabase>();
        return database;
    }

    private static bool IsConnection(IComponentRegistration registration)
        => registration.Services.Any(service => service is IServiceWithType typed
            && (typed.ServiceType == typeof(DbConnection) || typed.ServiceType == typeof(IDbConnection)));
}
