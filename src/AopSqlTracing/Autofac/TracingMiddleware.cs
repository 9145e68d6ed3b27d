using System.Data.Common;
using AopSqlTracing.Internal;
using AopSqlTracing.Proxies;
using AopSqlTracing.Repositories;
using Autofac.Core;
using Autofac.Core.Resolving.Pipeline;

namespace AopSqlTracing.Autofac;

/// <summary>
/// The whole Autofac-to-Castle glue: after a registration activates its instance, hand out our traced proxy in
/// its place: a traced connection for a <see cref="DbConnection"/>, an interface proxy for a traced repository.
/// Runs once per activation, so a shared instance is wrapped once, and one that is already ours is left alone.
/// </summary>
internal sealed class TracingMiddleware : IResolveMiddleware
{
    /// <summary>Metadata key set on registrations made by <c>RegisterTracedDatabase</c>, so <c>TraceAllDatabases</c> leaves them to their own options.</summary>
    public const string TracedRegistrationKey = "AopSqlTracing.TracedRegistration";

    /// <summary>Metadata key of registrations traced by <c>EnableSqlTracing()</c>, which the attribute scan leaves alone.</summary>
    public const string ExplicitRepositoryKey = "AopSqlTracing.ExplicitRepository";

    private readonly Action<ResolveRequestContext, object> _wrap;

    private TracingMiddleware(Action<ResolveRequestContext, object> wrap) => _wrap = wrap;

    public PipelinePhase Phase => PipelinePhase.Activation;

    /// <summary>Wraps the connections a registration activates in traced proxies of <paramref name="database"/>.</summary>
    public static TracingMiddleware ForConnections(TracedDatabase database) => new((context, instance) =>
    {
        if (instance is not DbConnection connection)
        {
            return;
        }

        var proxy = DbProxyFactory.CreateConnection(connection, database, context.ActivationScope);
        context.Instance = proxy;

        // Autofac already holds the provider's connection for disposal; the proxy must be disposed too (first),
        // so readers still open when the scope ends have their spans finished. Disposing twice is harmless.
        if (context.Registration.Ownership == InstanceOwnership.OwnedByLifetimeScope)
        {
            context.ActivationScope.Disposer.AddInstanceForAsyncDisposal(proxy);
        }
    });

    /// <summary>
    /// Traces <paramref name="registration"/> as a repository when every service it exposes is an interface (the
    /// proxy must be all of them); a registration also exposing a class cannot be proxied, and is reported and left untraced.
    /// </summary>
    public static void AttachToRepository(IComponentRegistration registration, bool allMethods)
    {
        var services = registration.Services.OfType<IServiceWithType>().Select(service => service.ServiceType).Distinct().ToArray();
        if (services.Length == 0 || services.Any(type => !type.IsInterface))
        {
            SqlTracingEventSource.Log.TracingFailed(
                "repository registration",
                new InvalidOperationException($"{registration.Activator.LimitType} is exposed as a class, so it cannot be traced; expose it only as interfaces."));
            return;
        }

        var factory = new RepositoryProxyFactory(services, allMethods);
        new TracingMiddleware((context, instance) => context.Instance = factory.Create(instance, context.ActivationScope)).AttachTo(registration);
    }

    public void Execute(ResolveRequestContext context, Action<ResolveRequestContext> next)
    {
        next(context);
        if (context.Instance is { } instance && !ProxyTargets.IsOurs(instance))
        {
            _wrap(context, instance);
        }
    }

    /// <summary>Adds this middleware to a registration's pipeline, ahead of its activator.</summary>
    public void AttachTo(IComponentRegistration registration)
        => registration.PipelineBuilding += (_, pipeline) => pipeline.Use(this, MiddlewareInsertionMode.StartOfPhase);

    public override string ToString() => nameof(TracingMiddleware);
}
