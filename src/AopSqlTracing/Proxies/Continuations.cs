using Castle.DynamicProxy;

namespace AopSqlTracing.Proxies;

/// <summary>
/// Work a proxy does after an asynchronous call of the provider's finishes (end marks after a commit, finish
/// readers after a close), without changing what the caller awaits. Spans are ended by <see cref="Execution.Completion"/>.
/// </summary>
internal static class Continuations
{
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

        return new ValueTask(ThenAlways(task.AsTask(), whenDone));
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
