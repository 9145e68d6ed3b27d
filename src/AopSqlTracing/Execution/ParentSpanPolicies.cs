using Autofac;

namespace AopSqlTracing.Execution;

/// <summary>Finds the <see cref="IParentSpanPolicy"/> registered in the container, or the default one.</summary>
internal static class ParentSpanPolicies
{
    public static IParentSpanPolicy Resolve(ILifetimeScope? scope)
    {
        if (scope is null)
        {
            return DefaultParentSpanPolicy.Instance;
        }

        try
        {
            return scope.ResolveOptional<IParentSpanPolicy>() ?? DefaultParentSpanPolicy.Instance;
        }
        catch (Exception exception)
        {
            // A disposed scope or a policy that fails to build: trace by the defaults rather than break the command.
            SqlTracingEventSource.Log.TracingFailed("resolve parent span policy", exception);
            return DefaultParentSpanPolicy.Instance;
        }
    }
}
