using System.Linq.Expressions;
using Castle.DynamicProxy;

namespace AopSqlTracing.Proxies;

/// <summary>
/// Compiles a proxy type's constructor into a delegate once, so making a proxy per resolve or per command is a
/// plain constructor call, with no reflection and no lookup in Castle's type cache.
/// </summary>
internal static class ProxyConstructors
{
    public static Func<object, IInterceptor[], object> Compile(Type proxyType, Type targetType)
    {
        // The constructor taking exactly the target and the interceptors (Castle also emits a parameterless one).
        var constructor = proxyType.GetConstructors().Single(c => c.GetParameters() is { Length: 2 } parameters
            && parameters.Any(p => p.ParameterType == typeof(IInterceptor[]))
            && parameters.All(p => p.ParameterType == typeof(IInterceptor[]) || p.ParameterType.IsAssignableFrom(targetType)));
        var target = Expression.Parameter(typeof(object), "target");
        var interceptors = Expression.Parameter(typeof(IInterceptor[]), "interceptors");

        // Castle orders (target, interceptors) for class proxies and (interceptors, target) for interface proxies.
        var arguments = constructor.GetParameters().Select(parameter => parameter.ParameterType == typeof(IInterceptor[])
            ? (Expression)interceptors
            : Expression.Convert(target, parameter.ParameterType));
        var body = Expression.Convert(Expression.New(constructor, arguments), typeof(object));
        return Expression.Lambda<Func<object, IInterceptor[], object>>(body, target, interceptors).Compile();
    }

}
