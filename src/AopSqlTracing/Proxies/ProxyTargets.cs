using System.Reflection;
using System.Runtime.ExceptionServices;
using Castle.DynamicProxy;
using AopSqlTracing.Execution;

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

    /// <summary>
    /// Runs an intercepted call on the provider's object: <see cref="IInvocation.Proceed"/>, or, for a method of one
    /// of the provider's extra interfaces (no target in a class proxy), a call through reflection.
    /// </summary>
    public static void Proceed(IInvocation invocation)
    {
        if (!IsExtraInterfaceCall(invocation))
        {
            invocation.Proceed();
            return;
        }

        try
        {
            invocation.ReturnValue = invocation.Method.Invoke(Unwrap(invocation.Proxy), invocation.Arguments);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is { } inner)
        {
            ExceptionDispatchInfo.Throw(inner);
        }
    }

    /// <summary>Tells whether the call is to a method of one of the provider's extra interfaces.</summary>
    /// <remarks>
    /// Read from the method alone: the only interface methods our proxies intercept are those (see
    /// <see cref="InterceptedMethodsHook"/>), and <see cref="IInvocation.MethodInvocationTarget"/> allocates a look-up key per call.
    /// </remarks>
    public static bool IsExtraInterfaceCall(IInvocation invocation) => invocation.Method.DeclaringType is { IsInterface: true };

    public static bool IsOurs(object value) => value is IProviderObject || (value is IProxyTargetAccessor accessor && IsOurs(accessor));

    // Someone else's Castle proxy is left alone: unwrapping it would bypass their interceptors.
    private static bool IsOurs(IProxyTargetAccessor accessor)
        => accessor.GetInterceptors() is [ITracingInterceptor];
}
