using System.Data.Common;
using AopSqlTracing.Internal;
using AopSqlTracing.Proxies;
using Autofac.Core;
using Autofac.Core.Resolving.Pipeline;

namespace AopSqlTracing.Autofac;

/// <summary>
/// The whole Autofac-to-Castle glue: after a registration activates a <see cref="DbConnection"/>, hand out our
/// traced proxy in its place. Runs once per activation, so a shared connection is wrapped once, and a
/// connection that is already ours is left alone (tracing twice is impossible).
/// </summary>
internal sealed class ConnectionTracingMiddleware(TracedDatabase database) : IResolveMiddleware
{
    /// <summary>Metadata key set on registrations made by <c>RegisterTracedDatabase</c>, so <c>TraceAllDatabases</c> leaves them to their own options.</summary>
    public const string TracedRegistrationKey = "AopSqlTracing.TracedRegistration";

    public PipelinePhase Phase => PipelinePhase.Activation;

    public void Execute(ResolveRequestContext context, Action<ResolveRequestContext> next)
    {
        next(context);
        if (context.Instance is DbConnection connection && !ProxyTargets.IsOurs(connection))
        {
            var proxy = DbProxyFactory.CreateConnection(connection, database, context.ActivationScope);
            context.Instance = proxy;

            // Autofac already holds the provider's connection for disposal; the proxy must be disposed too (first),
            // so readers still open when the scope ends have their spans finished. Disposing twice is harmless.
            if (context.Registration.Ownership == InstanceOwnership.OwnedByLifetimeScope)
            {
                context.ActivationScope.Disposer.AddInstanceForAsyncDisposal(proxy);
            }
        }
    }

    /// <summary>Adds this middleware to a registration's pipeline, ahead of its activator.</summary>
    public void AttachTo(IComponentRegistration registration)
        => registration.PipelineBuilding += (_, pipeline) => pipeline.Use(this, MiddlewareInsertionMode.StartOfPhase);

    public override string ToString() => nameof(ConnectionTracingMiddleware);
}
