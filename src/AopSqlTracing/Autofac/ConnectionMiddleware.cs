using System.Data;
using System.Data.Common;
using AopSqlTracing.Proxies;
using Autofac.Core;
using Autofac.Core.Registration;
using Autofac.Core.Resolving.Pipeline;
using AopSqlTracing.Execution;

namespace AopSqlTracing.Autofac;

/// <summary>
/// Hands out a traced connection whenever a traced registration is resolved as <see cref="DbConnection"/> or
/// <see cref="IDbConnection"/> (typed or keyed), and a traced data source when it is resolved as <see cref="DbDataSource"/>. Resolved as the provider's own type (a registration with
/// <c>AsSelf()</c>), the same registration hands out the provider's connection itself, untraced, as without tracing.
/// </summary>
/// <remarks>
/// A service middleware, so it runs on every resolve, also of a shared instance, and at its very start: the scope
/// the request comes from, before Autofac picks the scope that owns the instance, is the one whose marks apply
/// (<see cref="ConnectionProxies"/>). One per container.
/// </remarks>
internal sealed class ConnectionMiddleware : IResolveMiddleware, IServiceMiddlewareSource
{
    /// <summary>Metadata key of a traced connection registration: its <see cref="TracedDatabase"/>.</summary>
    public const string DatabaseKey = "AopSqlTracing.Database";

    // The registration this container's middleware last handed out a connection for, with its database: nearly every
    // container has one traced connection registration, so its metadata (keyed by string) is read once, not per resolve.
    private KnownRegistration? _last;

    public PipelinePhase Phase => PipelinePhase.ResolveRequestStart;

    /// <summary>Tells whether a request asks for a connection (or a data source) by its ADO.NET type, rather than by the provider's.</summary>
    public static bool IsConnectionService(Service service)
        => service is IServiceWithType typed
            && (typed.ServiceType == typeof(DbConnection) || typed.ServiceType == typeof(IDbConnection) || typed.ServiceType == typeof(DbDataSource));

    /// <summary>Gets the traced database a registration belongs to, if any.</summary>
    public static TracedDatabase? DatabaseOf(IComponentRegistration registration)
        => registration.Metadata.TryGetValue(DatabaseKey, out var database) ? database as TracedDatabase : null;

    public void ProvideMiddleware(Service service, IComponentRegistryServices availableServices, IResolvePipelineBuilder pipelineBuilder)
    {
        if (IsConnectionService(service))
        {
            pipelineBuilder.Use(this, MiddlewareInsertionMode.StartOfPhase);
        }
    }

    public void Execute(ResolveRequestContext context, Action<ResolveRequestContext> next)
    {
        var requesting = context.ActivationScope;
        next(context);
        if (context.Instance is { } instance && !ProxyTargets.IsOurs(instance) && DatabaseFor(context.Registration) is { } database)
        {
            context.Instance = instance switch
            {
                DbConnection connection => ConnectionProxies.For(connection, database, requesting, context),
                DbDataSource dataSource => ConnectionProxies.For(dataSource, database, requesting),
                _ => instance,
            };
        }
    }

    public override string ToString() => nameof(ConnectionMiddleware);

    private TracedDatabase? DatabaseFor(IComponentRegistration registration)
    {
        if (_last is { } last && ReferenceEquals(last.Registration, registration))
        {
            return last.Database;
        }

        var database = DatabaseOf(registration);
        _last = new KnownRegistration(registration, database);
        return database;
    }

    // One object, so a reader on another thread sees a registration and its database together.
    private sealed record KnownRegistration(IComponentRegistration Registration, TracedDatabase? Database);
}
