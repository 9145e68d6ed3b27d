using System.Collections.Concurrent;
using System.Reflection;

namespace AopSqlTracing.Repositories;

/// <summary>Which repository methods are traced by attribute, and their span names, worked out once per method.</summary>
internal static class TracedMethods
{
    private static readonly ConcurrentDictionary<MethodInfo, TracedMethod> Methods = new();

    /// <summary>
    /// Tells whether an interface opts in: <see cref="TracedAttribute"/> on it or on any of its methods, or on an
    /// interface it extends (a proxy of <c>IDerived : IBase</c> traces the methods <c>IBase</c> opts in).
    /// </summary>
    public static bool IsAttributed(Type serviceType)
        => serviceType.IsInterface && serviceType.GetInterfaces().Prepend(serviceType).Any(OptsIn);

    private static bool OptsIn(Type type)
        => type.IsDefined(typeof(TracedAttribute), inherit: false)
            || type.GetMethods().Any(method => method.IsDefined(typeof(TracedAttribute), inherit: false));

    public static bool IsTracedByAttribute(MethodInfo method)
        => method.IsDefined(typeof(TracedAttribute), inherit: false)
            || method.DeclaringType?.IsDefined(typeof(TracedAttribute), inherit: false) == true;

    public static TracedMethod Describe(MethodInfo method) => Methods.GetOrAdd(method, static m => new TracedMethod(SpanName(m), FunctionName(m)));

    // `IUserRepository.GetById`, or the attribute's Name: on the method it names the span, on the interface the prefix.
    private static string SpanName(MethodInfo method)
    {
        if (method.GetCustomAttribute<TracedAttribute>()?.Name is { Length: > 0 } name)
        {
            return name;
        }

        var owner = method.DeclaringType?.GetCustomAttribute<TracedAttribute>()?.Name is { Length: > 0 } prefix
            ? prefix
            : TypeName(method.DeclaringType);
        return owner + "." + method.Name;
    }

    private static string FunctionName(MethodInfo method) => (method.DeclaringType?.FullName ?? TypeName(method.DeclaringType)) + "." + method.Name;

    private static string TypeName(Type? type)
    {
        if (type is null)
        {
            return "?";
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}

/// <summary>A traced method's span name and its <c>code.function.name</c>.</summary>
internal sealed record TracedMethod(string SpanName, string FunctionName);
