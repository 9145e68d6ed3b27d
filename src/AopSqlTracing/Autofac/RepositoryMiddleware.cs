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
    /// proxy must be all of them). A registration also exposing a class cannot be proxied: found by the attribute
    /// scan it is reported and left untraced; asked for with <c>EnableSqlTracing()</c> it fails the container's build.
    /// </summary>
    /// <param name="registration">The registration.</param>
    /// <param name="explicitly">Whether the user asked for it (<c>EnableSqlTracing()</c>: every method traced).</param>
    /// <exception cref="InvalidOperationException"><paramref name="explicitly"/> and a service is a class.</exception>
    public static void AttachTo(IComponentRegistration registration, bool explicitly)
    {
        var services = registration.Services.OfType<IServiceWithType>().Select(service => service.ServiceType).Distinct().ToArray();
        if (services.Length == 0 || services.Any(type => !type.IsInterface))
        {
            var problem = new InvalidOperationException(
                $"{registration.Activator.LimitType} is exposed as a class ({string.Join(", ", services.Where(type => !type.IsInterface).Select(type => type.Name))}), "
                + "so it cannot be traced: a traced repository is an interface proxy. Expose it only as interfaces, e.g. .As<IUserRepository>(), not .AsSelf().");
            if (explicitly)
            {
                throw problem;
            }

            SqlTracingEventSource.Log.TracingFailed("repository registration", problem);
            return;
        }


        var middleware = new RepositoryMiddleware(new RepositoryProxyFactory(services, allMethods: explicitly));
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
