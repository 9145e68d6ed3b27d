using AopSqlTracing.Internal;
using AopSqlTracing.Proxies;
using AopSqlTracing.Repositories;
using Autofac.Core;
using Autofac.Core.Resolving.Pipeline;

namespace AopSqlTracing.Autofac;

/// <summary>
/// After a traced repository registration activates its instance, hands out our interface proxy in its place.
/// Runs once per activation, so a shared instance is wrapped once, and one that is already ours is left alone.
/// </summary>
internal sealed class RepositoryMiddleware(RepositoryProxyFactory factory) : IResolveMiddleware
{
    /// <summary>Metadata key of registrations traced by <c>EnableSqlTracing()</c>, which the attribute scan leaves alone.</summary>
    public const string ExplicitRepositoryKey = "AopSqlTracing.ExplicitRepository";

    public PipelinePhase Phase => PipelinePhase.Activation;

    /// <summary>
    /// Traces <paramref name="registration"/> as a repository when every service it exposes is an interface (the
    /// proxy must be all of them); a registration also exposing a class cannot be proxied, and is reported and left untraced.
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

        var middleware = new RepositoryMiddleware(new RepositoryProxyFactory(services, allMethods));
        registration.PipelineBuilding += (_, pipeline) => pipeline.Use(middleware, MiddlewareInsertionMode.StartOfPhase);
    }

    public void Execute(ResolveRequestContext context, Action<ResolveRequestContext> next)
    {
        next(context);
        if (context.Instance is { } instance && !ProxyTargets.IsOurs(instance))
        {
            context.Instance = factory.Create(instance, context.ActivationScope);
        }
    }

    public override string ToString() => nameof(RepositoryMiddleware);
}
