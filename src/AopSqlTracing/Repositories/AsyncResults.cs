using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using AopSqlTracing.Internal;
using AopSqlTracing.Proxies;

namespace AopSqlTracing.Repositories;

/// <summary>
/// Ends a repository call's span when its work ends, whatever it returns: at once for a plain value, on completion
/// for <see cref="Task"/>, <see cref="Task{T}"/>, <see cref="ValueTask"/> and <see cref="ValueTask{T}"/>. The caller
/// awaits a task that completes like the original, with the same result or exception.
/// </summary>
// The results arrive boxed from Castle's IInvocation.ReturnValue; each ValueTask is still consumed exactly once.
#pragma warning disable CA2012
internal static class AsyncResults
{
    private static readonly ConcurrentDictionary<Type, Func<object, Activity, object>> Wrappers = new();
    private static readonly ConcurrentDictionary<Type, Func<object?, MethodInfo, RepositoryInterceptor, object?>> Streams = new();

    public static bool IsAsyncEnumerable(Type returnType)
        => returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>);

    public static object? EndWhenDone(object? result, Type returnType, Activity activity)
    {
        switch (result)
        {
            case null:
                SqlSpanFactory.Stop(activity);
                return null;
            case Task task when returnType == typeof(Task):
                return task.IsCompletedSuccessfully ? Stopped(task, activity) : AwaitTask(task, activity);
            case ValueTask valueTask:
                return valueTask.IsCompletedSuccessfully ? Stopped(valueTask, activity) : AwaitValueTask(valueTask, activity);
            default:
                if (returnType.IsGenericType && IsAwaitable(returnType.GetGenericTypeDefinition()))
                {
                    return Wrappers.GetOrAdd(returnType, MakeWrapper)(result, activity);
                }

                SqlSpanFactory.Stop(activity);
                return result;
        }
    }

    public static object? TraceEnumeration(object? stream, MethodInfo method, RepositoryInterceptor interceptor)
        => stream is null ? null : Streams.GetOrAdd(method.ReturnType, MakeStreamWrapper)(stream, method, interceptor);

    private static bool IsAwaitable(Type definition) => definition == typeof(Task<>) || definition == typeof(ValueTask<>);

    private static object Stopped(object result, Activity activity)
    {
        SqlSpanFactory.Stop(activity);
        return result;
    }

    private static Func<object, Activity, object> MakeWrapper(Type returnType)
    {
        var name = returnType.GetGenericTypeDefinition() == typeof(Task<>) ? nameof(WrapTask) : nameof(WrapValueTask);
        return typeof(AsyncResults).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(returnType.GetGenericArguments()[0])
            .CreateDelegate<Func<object, Activity, object>>();
    }

    private static Func<object?, MethodInfo, RepositoryInterceptor, object?> MakeStreamWrapper(Type returnType)
        => typeof(AsyncResults).GetMethod(nameof(WrapStream), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(returnType.GetGenericArguments()[0])
            .CreateDelegate<Func<object?, MethodInfo, RepositoryInterceptor, object?>>();

    // Returns object: it is bound to a delegate of one shape for every T.
#pragma warning disable CA1859
    private static object? WrapStream<T>(object? stream, MethodInfo method, RepositoryInterceptor interceptor)
        => new TracedAsyncEnumerable<T>((IAsyncEnumerable<T>)stream!, method, interceptor);
#pragma warning restore CA1859

    // Returns object: it is bound to a delegate of one shape for every T.
#pragma warning disable CA1859
    private static object WrapTask<T>(object result, Activity activity) => SpanCompletion.EndWhenDone((Task<T>)result, activity, options: null);
#pragma warning restore CA1859

    private static object WrapValueTask<T>(object result, Activity activity)
    {
        var valueTask = (ValueTask<T>)result;
        return valueTask.IsCompletedSuccessfully ? Stopped(valueTask, activity) : Await(valueTask, activity);

        static async ValueTask<T> Await(ValueTask<T> valueTask, Activity activity)
        {
            try
            {
                var value = await valueTask.ConfigureAwait(false);
                SqlSpanFactory.Stop(activity);
                return value;
            }
            catch (Exception exception)
            {
                SqlSpanFactory.Fail(activity, exception);
                throw;
            }
        }
    }

    private static async Task AwaitTask(Task task, Activity activity)
    {
        try
        {
            await task.ConfigureAwait(false);
            SqlSpanFactory.Stop(activity);
        }
        catch (Exception exception)
        {
            SqlSpanFactory.Fail(activity, exception);
            throw;
        }
    }

    private static async ValueTask AwaitValueTask(ValueTask valueTask, Activity activity)
    {
        try
        {
            await valueTask.ConfigureAwait(false);
            SqlSpanFactory.Stop(activity);
        }
        catch (Exception exception)
        {
            SqlSpanFactory.Fail(activity, exception);
            throw;
        }
    }
}
#pragma warning restore CA2012
