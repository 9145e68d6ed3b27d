using Castle.DynamicProxy;

namespace AopSqlTracing.Proxies;

/// <summary>Finds the provider object behind one of our proxies; anything else is returned as it is.</summary>
internal static class ProxyTargets
{
    public static T Unwrap<T>(T value)
        where T : class
        => value switch
        {
            IProxyTargetAccessor accessor when IsOurs(accessor) => (T)accessor.DynProxyGetTarget()!,
            IProviderObject wrapper => (T)wrapper.Target,
            _ => value,
        };

    public static bool IsOurs(object value) => value is IProviderObject || (value is IProxyTargetAccessor accessor && IsOurs(accessor));

    // Someone else's Castle proxy is left alone: unwrapping it would bypass their interceptors.
    private static bool IsOurs(IProxyTargetAccessor accessor)
        => accessor.GetInterceptors() is [ITracingInterceptor];
}
