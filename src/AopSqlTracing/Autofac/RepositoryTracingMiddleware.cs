using AopSqlTracing.Internal;
using AopSqlTracing.Proxies;
using AopSqlTracing.Repositories;
using Autofac.Core;
using Autofac.Core.Resolving.Pipeline;

namespace AopSqlTracing.Autofac;

/// <summary>
/// After a repository registration activates its instance, hands out a traced interface proxy of it.
/// One per registration: its factory caches the proxy constructor for that registration's interfaces.
/// </summary>
internal sealed class RepositoryTracingMiddleware(RepositoryProxyFactory factory) : IResolveMiddleware
{
    /// <summary>Metadata key of registrations traced by <c>EnableSqlTracing()</c>, which the attribute scan leaves alone.</summary>
    public const string ExplicitKey = "AopSqlTracing.ExplicitRepository";

    public PipelinePhase Phase => PipelinePhase.Activation;

    public void Execute(ResolveRequestContext context, Action<ResolveRequestContext> next)
    {
        next(context);
        if (context.Instance is { } instance && !ProxyTargets.IsOurs(instance))
        {
            context.Instance = factory.Create(instance, context.ActivationScope);
        }
    }

    /// <summary>
    /// Traces <paramref name="registration"/> when every service it exposes is an interface (the proxy must be all
    /// of them); a registration also exposing a class cannot be proxied, and is reported and left untraced.
    /// </summary>
    public static void AttachTo(IComponentRegistration registration, bool allMethods)
    {
        var services = registration.Services.OfType<IServiceWithType>().Select(service => service.ServiceType).Distinct().ToArray();
        if (services.Length == 0 || services.Any(type => !type.IsInterface))
        {
            SqlTracingEventSource.Log.TracingFailed(
                "repository registration",
                new InvalidOperationException($"{registration.Activator.LimitType} is exposed as a class, so it cannot be traced; expose it only as interfaces."));
            return;
        }

        var middleware = new RepositoryTracingMiddleware(new RepositoryProxyFactory(services, allMethods));
        registration.PipelineBuilding += (_, pipeline) => pipeline.Use(middleware, MiddlewareInsertionMode.StartOfPhase);
    }

    public override string ToString() => nameof(RepositoryTracingMiddleware);
}
