using System.Reflection;
using Castle.DynamicProxy;

namespace AopSqlTracing.Repositories;

/// <summary>
/// Intercepts every method (<c>EnableSqlTracing()</c>) or only those opted in by <see cref="TracedAttribute"/>;
/// the others forward straight to the repository with no interception.
/// </summary>
internal sealed class RepositoryMethodsHook : IProxyGenerationHook
{
    public static readonly RepositoryMethodsHook AllMethods = new(all: true);
    public static readonly RepositoryMethodsHook AttributedMethods = new(all: false);

    private readonly bool _all;

    private RepositoryMethodsHook(bool all) => _all = all;

    public bool ShouldInterceptMethod(Type type, MethodInfo methodInfo) => _all || TracedMethods.IsTracedByAttribute(methodInfo);

    public void NonProxyableMemberNotification(Type type, MemberInfo memberInfo)
    {
    }

    public void MethodsInspected()
    {
    }
}
