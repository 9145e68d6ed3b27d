using System.Reflection;
using Castle.DynamicProxy;

namespace AopSqlTracing.Proxies;

/// <summary>
/// Lets Castle intercept only the named methods; every other member of the proxy forwards straight to the
/// provider's object, so calls we don't trace pay no interception at all.
/// </summary>
internal sealed class InterceptedMethodsHook(params string[] methodNames) : IProxyGenerationHook
{
    private readonly HashSet<string> _methodNames = new(methodNames, StringComparer.Ordinal);

    public bool ShouldInterceptMethod(Type type, MethodInfo methodInfo) => _methodNames.Contains(methodInfo.Name);

    public void NonProxyableMemberNotification(Type type, MemberInfo memberInfo)
    {
    }

    public void MethodsInspected()
    {
    }
}
