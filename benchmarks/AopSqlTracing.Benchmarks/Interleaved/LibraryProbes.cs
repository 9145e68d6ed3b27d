using System.Data.Common;
using System.Diagnostics;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using AopSqlTracing;
using Castle.DynamicProxy;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// Delegates to the library's internal steps of one command, found by name and bound by parameter type, so each
/// can be timed alone (the benchmarks are not a friend assembly). The library changes under this harness: each
/// probe knows the names the step has had, and a step it cannot find or bind is reported as missing (null)
/// instead of failing the run.
/// </summary>
internal static class LibraryProbes
{
    private const BindingFlags Static = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;
    private const BindingFlags Instance = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;

    private static readonly Assembly Library = typeof(SqlTracing).Assembly;
    private static readonly string[] StopOwners = ["AopSqlTracing.Execution.SpanLifecycle", "AopSqlTracing.Internal.SqlSpanFactory"];

    /// <summary>DbSystemNames.Of(Type): the <c>db.system.name</c> look-up.</summary>
    public static Func<Type, string>? SystemNameOf() => StaticDelegate<Func<Type, string>>("AopSqlTracing.Internal.DbSystemNames", "Of");

    /// <summary>ServerEndpoints.Of(DbConnection, string): <c>server.address</c>/<c>server.port</c> from the connection string.</summary>
    public static Func<DbConnection, string, object>? ServerEndpointOf()
        => StaticDelegate<Func<DbConnection, string, object>>("AopSqlTracing.Internal.ServerEndpoints", "Of");

    /// <summary>ConnectionFacts.Of(DbConnection): system, namespace and endpoint read together (once per open, where it exists).</summary>
    public static Func<DbConnection, object>? ConnectionFactsOf()
        => StaticDelegate<Func<DbConnection, object>>("AopSqlTracing.Execution.ConnectionFacts", "Of");

    /// <summary>AmbientRepositoryCall.Mark: the AsyncLocal read made for every command.</summary>
    public static Func<object?>? AmbientRepositoryMark() => StaticGetter<Func<object?>>(["AopSqlTracing.Marks.AmbientRepositoryCall"], "Mark");

    /// <summary>Whether our ActivitySource has listeners, as the library asks it.</summary>
    public static Func<bool>? HasListeners()
        => StaticGetter<Func<bool>>(["AopSqlTracing.Execution.SpanLifecycle", "AopSqlTracing.Internal.SqlSpanFactory"], "HasListeners");

    /// <summary>
    /// Everything our command interceptor does around the provider's call, minus Castle: begin (marks, filter,
    /// parent decision, classification, span and tags) then end (stop, Activity.Current kept).
    /// </summary>
    /// <param name="tracedConnection">Our proxy of the connection the command belongs to.</param>
    /// <param name="options">The options the connection was registered with.</param>
    public static SpanProbe? BeginAndEnd(DbConnection tracedConnection, SqlTracingOptions options)
        => CommandProbe(
            [("AopSqlTracing.Execution.ExecutionGate", "BeginCommand"), ("AopSqlTracing.Proxies.CommandTracing", "Begin")],
            ConnectionContextOf(tracedConnection), options);

    /// <summary>The span alone: SqlSpanFactory.StartCommand (classification, span, tags; no marks, no policy) then stop.</summary>
    public static SpanProbe? StartAndStop(DbConnection tracedConnection, SqlTracingOptions options)
        => CommandProbe(
            [("AopSqlTracing.Execution.SqlSpanFactory", "StartCommand"), ("AopSqlTracing.Internal.SqlSpanFactory", "StartCommand")],
            ConnectionContextOf(tracedConnection), options);

    /// <summary>An execution of <paramref name="command"/> as the parent policy is handed it.</summary>
    public static SqlExecution? Execution(DbCommand command, DbConnection connection, SqlTracingOptions options)
    {
        foreach (var constructor in typeof(SqlExecution).GetConstructors(Instance).OrderBy(c => c.GetParameters().Length))
        {
            var arguments = constructor.GetParameters().Select(p => p.ParameterType switch
            {
                var t when t == typeof(SqlExecutionKind) => SqlExecutionKind.Command,
                var t when t == typeof(DbCommand) => command,
                var t when t == typeof(DbConnection) => connection,
                var t when t == typeof(SqlTracingOptions) => options,
                var t when t == typeof(SqlTraceMark) => SqlTraceMark.None,
                var t when t.IsValueType => Activator.CreateInstance(t),
                _ => null,
            }).ToArray();
            try
            {
                var boxed = constructor.Invoke(arguments);
                foreach (var (name, value) in new (string, object)[] { ("Command", command), ("Connection", connection) })
                {
                    if (typeof(SqlExecution).GetProperty(name)?.SetMethod is { } setter)
                    {
                        setter.Invoke(boxed, [value]);
                    }
                }

                return (SqlExecution)boxed;
            }
            catch (TargetInvocationException)
            {
                // Try the next constructor.
            }
        }

        return null;
    }

    /// <summary>The options a traced connection was registered with (our proxy's connection context).</summary>
    public static SqlTracingOptions? OptionsOf(DbConnection tracedConnection)
    {
        var context = ConnectionContextOf(tracedConnection);
        var database = context?.GetType().GetProperty("Database", Instance)?.GetValue(context);
        return database?.GetType().GetProperty("Options", Instance)?.GetValue(database) as SqlTracingOptions;
    }

    // Castle keeps a proxy's interceptors in a generated field; our connection interceptor is its connection context.
    private static object? ConnectionContextOf(DbConnection tracedConnection)
        => tracedConnection.GetType()
            .GetFields(Instance)
            .Where(f => f.FieldType == typeof(IInterceptor[]))
            .Select(f => f.GetValue(tracedConnection))
            .OfType<IInterceptor[]>()
            .SelectMany(interceptors => interceptors)
            .FirstOrDefault(i => i.GetType().FullName?.StartsWith("AopSqlTracing.", StringComparison.Ordinal) == true);

    // Calls the first (type, method) found, binding each parameter by its type; what it returns is kept for the end.
    private static SpanProbe? CommandProbe((string Type, string Method)[] candidates, object? context, SqlTracingOptions options)
    {
        if (context is null)
        {
            return null;
        }

        var command = Expression.Parameter(typeof(DbCommand), "command");
        foreach (var (typeName, methodName) in candidates)
        {
            foreach (var method in Library.GetType(typeName)?.GetMethods(Static).Where(m => m.Name == methodName) ?? [])
            {
                var arguments = method.GetParameters().Select(p => Bind(p.ParameterType, command, context, options)).ToArray();
                if (arguments.Any(a => a is null))
                {
                    continue;
                }

                // The begun span or execution waits in a slot of its own type (no boxing) until the end is called.
                var slot = Expression.Field(
                    Expression.Constant(Activator.CreateInstance(typeof(StrongBox<>).MakeGenericType(method.ReturnType))!), "Value");
                if (End(slot) is not { } end)
                {
                    continue;
                }

                var begin = Expression.Lambda<Action<DbCommand>>(Expression.Assign(slot, Expression.Call(method, arguments!)), command).Compile();
                return new SpanProbe(begin, Expression.Lambda<Action>(end).Compile());
            }
        }

        return null;
    }

    private static Expression? Bind(Type type, ParameterExpression command, object context, SqlTracingOptions options)
    {
        if (type == typeof(DbCommand))
        {
            return command;
        }

        if (type.IsByRef)
        {
            // The command's "last classification" slot, kept across calls as the command's interceptor keeps it.
            var box = Activator.CreateInstance(typeof(StrongBox<>).MakeGenericType(type.GetElementType()!))!;
            return Expression.Field(Expression.Constant(box), "Value");
        }

        if (type == typeof(ActivityContext))
        {
            return Expression.Constant(default(ActivityContext));
        }

        if (type == typeof(SqlTracingOptions))
        {
            return Expression.Constant(options);
        }

        if (type.IsInstanceOfType(context))
        {
            return Expression.Constant(context, type);
        }

        // What the context holds for the connection (its facts), read per call as the library reads it.
        var property = context.GetType().GetProperties(Instance).FirstOrDefault(p => p.PropertyType == type);
        return property is null ? null : Expression.Property(Expression.Constant(context, context.GetType()), property);
    }

    // A started span (Activity) is stopped the library's way; an execution (struct or object) is completed.
    private static Expression? End(MemberExpression begun)
    {
        if (begun.Type == typeof(Activity))
        {
            var stop = StopOwners
                .Select(name => Library.GetType(name)?.GetMethod("Stop", Static, [typeof(Activity)]))
                .FirstOrDefault(m => m is not null);
            return stop is null
                ? null
                : Expression.IfThen(Expression.NotEqual(begun, Expression.Constant(null, typeof(Activity))), Expression.Call(stop, begun));
        }

        return begun.Type.GetMethod("Complete", Instance, Type.EmptyTypes) is { } complete
            ? Expression.Call(begun, complete)
            : null;
    }

    private static TDelegate? StaticGetter<TDelegate>(string[] typeNames, string property)
        where TDelegate : Delegate
        => typeNames.Select(name => Library.GetType(name)?.GetProperty(property, Static)?.GetMethod)
            .Where(getter => getter is not null)
            .Select(getter => (TDelegate?)Delegate.CreateDelegate(typeof(TDelegate), getter!, throwOnBindFailure: false))
            .FirstOrDefault(d => d is not null);

    private static TDelegate? StaticDelegate<TDelegate>(string typeName, string methodName)
        where TDelegate : Delegate
    {
        var parameters = typeof(TDelegate).GetMethod("Invoke")!.GetParameters().Select(p => p.ParameterType).ToArray();
        var method = Library.GetType(typeName)?.GetMethod(methodName, Static, parameters);
        return method is null ? null : (TDelegate?)Delegate.CreateDelegate(typeof(TDelegate), method, throwOnBindFailure: false);
    }
}
