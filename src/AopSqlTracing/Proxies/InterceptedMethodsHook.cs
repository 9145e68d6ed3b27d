using System.Reflection;
using Castle.DynamicProxy;

namespace AopSqlTracing.Proxies;

/// <summary>
/// Lets Castle intercept only the named methods; every other member of the proxy forwards straight to the
/// provider's object, so calls we don't trace pay no interception at all.
/// </summary>
internal sealed class InterceptedMethodsHook(Type baseType, params string[] methodNames) : IProxyGenerationHook
{
    private readonly HashSet<string> _methodNames = new(methodNames, StringComparer.Ordinal);

    // Methods of the provider's extra interfaces (ICloneable) have no target in a class proxy: they are
    // intercepted and forwarded by hand (ProxyTargets.Forward).
    public bool ShouldInterceptMethod(Type type, MethodInfo methodInfo)
        => _methodNames.Contains(methodInfo.Name) || methodInfo.DeclaringType is { IsInterface: true } declaring && !declaring.IsAssignableFrom(baseType);

    public void NonProxyableMemberNotification(Type type, MemberInfo memberInfo)
    {
    }

    public void MethodsInspected()
    {
    }
}
