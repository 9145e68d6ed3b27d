using System.Diagnostics;
using AopSqlTracing.Internal;
using Castle.DynamicProxy;

namespace AopSqlTracing.Proxies;

/// <summary>
/// Ends a span when an asynchronous call completes, not when its task is handed back. The caller awaits the task
/// returned here and sees the original result, exception or cancellation.
/// </summary>
internal static class SpanCompletion
{
    public static Task<T> EndWhenDone<T>(Task<T> task, Activity activity, SqlTracingOptions? options, Action? whenDone = null)
    {
        if (task.IsCompletedSuccessfully)
        {
            whenDone?.Invoke();
            SqlSpanFactory.Stop(activity);
            return task;
        }

        return Await(task, activity, options, whenDone);

        static async Task<T> Await(Task<T> task, Activity activity, SqlTracingOptions? options, Action? whenDone)
        {
            try
            {
                var result = await task.ConfigureAwait(false);
                SqlSpanFactory.Stop(activity);
                return result;
            }
            catch (Exception exception)
            {
                SqlSpanFactory.Fail(activity, exception, options);
                throw;
            }
            finally
            {
                whenDone?.Invoke();
            }
        }
    }

    /// <summary>Runs <paramref name="whenDone"/> once <paramref name="task"/> has finished, however it finished.</summary>
    public static Task ThenAlways(Task task, Action whenDone)
    {
        if (task.IsCompleted)
        {
            whenDone();
            return task;
        }

        return Await(task, whenDone);

        static async Task Await(Task task, Action whenDone)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            finally
            {
                whenDone();
            }
        }
    }

    /// <inheritdoc cref="ThenAlways(Task, Action)"/>
    public static ValueTask ThenAlways(ValueTask task, Action whenDone)
    {
        if (task.IsCompleted)
        {
            whenDone();
            return task;
        }

        return Await(task, whenDone);

        static async ValueTask Await(ValueTask task, Action whenDone)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            finally
            {
                whenDone();
            }
        }
    }

    // Castle hands results over boxed in IInvocation.ReturnValue; each ValueTask below is still consumed exactly once.
#pragma warning disable CA2012

    /// <summary>Replaces an intercepted call's <see cref="ValueTask"/> with one that runs <paramref name="whenDone"/> after it.</summary>
    public static void ReturnThenAlways(IInvocation invocation, Action whenDone)
        => invocation.ReturnValue = ThenAlways((ValueTask)invocation.ReturnValue!, whenDone);

    /// <summary>Replaces an intercepted call's <c>ValueTask&lt;T&gt;</c> with one whose result goes through <paramref name="map"/>.</summary>
    public static void ReturnMapped<T>(IInvocation invocation, Func<T, T> map)
        => invocation.ReturnValue = Map((ValueTask<T>)invocation.ReturnValue!, map);
#pragma warning restore CA2012

    private static async ValueTask<T> Map<T>(ValueTask<T> task, Func<T, T> map) => map(await task.ConfigureAwait(false));
}
