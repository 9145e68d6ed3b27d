using System.Collections.Concurrent;
using Castle.DynamicProxy;

namespace AopSqlTracing.Proxies;

/// <summary>
/// One kind of our class proxies (connection, command, batch, transaction): the abstract ADO.NET base it derives
/// from, the methods it intercepts, and per provider type a compiled constructor. A proxy also implements the
/// provider type's other public interfaces (Npgsql's <see cref="ICloneable"/>), forwarded to the provider's object,
/// so code that casts to them works as without tracing.
/// </summary>
internal sealed class ProxyKind(ProxyGenerator generator, Type baseType, string[] interceptedMethods)
{
    private readonly ConcurrentDictionary<Type, Func<object, IInterceptor[], object>> _byTarget = new();
    private readonly ProxyGenerationOptions _options = new(new InterceptedMethodsHook(baseType, interceptedMethods));

    // Nearly every application has one provider: its constructor is found without a dictionary look-up.
    private Known? _last;

    public Func<object, IInterceptor[], object> ConstructorFor(Type targetType)
    {
        if (_last is { } last && last.TargetType == targetType)
        {
            return last.Constructor;
        }

        var constructor = _byTarget.GetOrAdd(targetType, Compile);
        _last = new Known(targetType, constructor);
        return constructor;
    }

    private Func<object, IInterceptor[], object> Compile(Type targetType)
    {
        var extraInterfaces = targetType.GetInterfaces()
            .Where(type => type.IsVisible && !type.IsAssignableFrom(baseType))
            .ToArray();
        var proxyType = generator.ProxyBuilder.CreateClassProxyTypeWithTarget(baseType, extraInterfaces, _options);
        return ProxyConstructors.Compile(proxyType, baseType);
    }

    private sealed record Known(Type TargetType, Func<object, IInterceptor[], object> Constructor);
}
