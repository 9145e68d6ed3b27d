using AopSqlTracing.Proxies;
using Autofac;
using Castle.DynamicProxy;

namespace AopSqlTracing.Repositories;

/// <summary>
/// Makes the interface proxies of one repository registration: the proxy type and its compiled constructor are
/// made at the first resolve, then each resolve is one constructor call.
/// </summary>
internal sealed class RepositoryProxyFactory(Type[] interfaces, bool allMethods)
{
    private Func<object, IInterceptor[], object>? _constructor;

    // A registration belongs to one container, so its traced databases are looked up once.
    private TracedDatabases? _databases;

    public object Create(object target, ILifetimeScope scope)
    {
        _databases ??= scope.ResolveOptional<TracedDatabases>() ?? new TracedDatabases();
        return (_constructor ??= Compile())(target, [new RepositoryInterceptor(scope, _databases)]);
    }

    private Func<object, IInterceptor[], object> Compile()
    {
        var options = new ProxyGenerationOptions(allMethods ? RepositoryMethodsHook.AllMethods : RepositoryMethodsHook.AttributedMethods);
        var proxyType = DbProxyFactory.Shared.ProxyBuilder.CreateInterfaceProxyTypeWithTargetInterface(interfaces[0], interfaces[1..], options);
        return ProxyConstructors.Compile(proxyType, interfaces[0]);
    }
}
