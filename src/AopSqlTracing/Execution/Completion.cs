using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;

namespace AopSqlTracing.Execution;

/// <summary>
/// Runs what must happen when an asynchronous call's work ends, not when its task is handed back: an operation's end
/// (see <see cref="SqlDoor"/>) and a proxy's own after-work (marks ended after a commit, readers finished after a
/// close). Ends a traced operation when its work ends, not when its result is handed back, whatever the shape: at once for
/// a plain value, on completion for <see cref="Task"/>, <see cref="Task{T}"/>, <see cref="ValueTask"/> and
/// <see cref="ValueTask{T}"/>; a reader's span goes on in the reader, an async stream's in its enumerator. The
/// caller awaits a task that completes like the original, with the same result, exception or cancellation.
/// </summary>
// Results arrive boxed from Castle's IInvocation.ReturnValue; each ValueTask is still consumed exactly once.
#pragma warning disable CA2012
internal static class Completion
{
    private static readonly ConcurrentDictionary<Type, Func<object, SqlOperation, object>> GenericShapes = new();

    /// <summary>Ends <paramref name="execution"/> when <paramref name="result"/>, declared as <paramref name="returnType"/>, is done.</summary>
    public static object? EndWhenDone(object? result, Type returnType, SqlOperation execution)
    {
        switch (result)
        {
            case Task task when returnType == typeof(Task):
                return task.IsCompletedSuccessfully ? Ended(task, execution) : AwaitTask(task, execution);
            case ValueTask valueTask:
                return valueTask.IsCompletedSuccessfully ? Ended(valueTask, execution) : new ValueTask(AwaitTask(valueTask.AsTask(), execution));
            case not null when returnType.IsGenericType && IsAwaitable(returnType.GetGenericTypeDefinition()):
                return GenericShapes.GetOrAdd(returnType, MakeShape)(result, execution);
            default:
                execution.Complete();
                return result;
        }
    }

    /// <summary>Ends <paramref name="execution"/> when <paramref name="task"/> completes.</summary>
    public static Task<T> EndWhenDone<T>(Task<T> task, SqlOperation execution)
    {
        if (task.IsCompletedSuccessfully)
        {
            execution.Complete();
            return task;
        }

        return Await(task, execution);

        static async Task<T> Await(Task<T> task, SqlOperation execution)
        {
            try
            {
                var result = await task.ConfigureAwait(false);
                execution.Complete();
                return result;
            }
            catch (Exception exception)
            {
                execution.Fail(exception);
                throw;
            }
        }
    }

    /// <inheritdoc cref="EndWhenDone{T}(Task{T}, SqlOperation)"/>
    public static ValueTask<T> EndWhenDone<T>(ValueTask<T> task, SqlOperation execution)
    {
        if (task.IsCompletedSuccessfully)
        {
            execution.Complete();
            return task;
        }

        // Not done yet: awaiting allocates anyway, so it goes through the Task path.
        return new ValueTask<T>(EndWhenDone(task.AsTask(), execution));
    }

    /// <summary>
    /// Runs an intercepted call as <paramref name="operation"/>: a call that throws fails it, and it ends when the
    /// call's work ends, whatever the call returns (see <see cref="EndWhenDone(object?, Type, SqlOperation)"/>).
    /// </summary>
    public static void ProceedAndEnd(Castle.DynamicProxy.IInvocation invocation, SqlOperation operation)
    {
        if (!operation.IsActive)
        {
            invocation.Proceed();
            return;
        }

        try
        {
            invocation.Proceed();
        }
        catch (Exception exception)
        {
            operation.Fail(exception);
            throw;
        }

        invocation.ReturnValue = EndWhenDone(invocation.ReturnValue, invocation.Method.ReturnType, operation);
    }

    /// <summary>Hands the span of a reader-returning execution on to the reader, which ends it when it closes.</summary>
    public static async Task<DbDataReader> ContinueInReader(Task<DbDataReader> task, SqlOperation execution, TracedConnection connection)
    {
        DbDataReader reader;
        try
        {
            reader = await task.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            execution.Fail(exception);
            throw;
        }

        return new TracedDataReader(reader, execution, connection);
    }

    private static bool IsAwaitable(Type definition) => definition == typeof(Task<>) || definition == typeof(ValueTask<>);

    private static object Ended(object result, SqlOperation execution)
    {
        execution.Complete();
        return result;
    }

    private static async Task AwaitTask(Task task, SqlOperation execution)
    {
        try
        {
            await task.ConfigureAwait(false);
            execution.Complete();
        }
        catch (Exception exception)
        {
            execution.Fail(exception);
            throw;
        }
    }

    private static Func<object, SqlOperation, object> MakeShape(Type returnType)
    {
        var name = returnType.GetGenericTypeDefinition() == typeof(Task<>) ? nameof(BoxedTask) : nameof(BoxedValueTask);
        return typeof(Completion).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(returnType.GetGenericArguments()[0])
            .CreateDelegate<Func<object, SqlOperation, object>>();
    }

    // Return object: they are bound to a delegate of one shape for every T.
#pragma warning disable CA1859
    private static object BoxedTask<T>(object result, SqlOperation execution) => EndWhenDone((Task<T>)result, execution);

    private static object BoxedValueTask<T>(object result, SqlOperation execution) => EndWhenDone((ValueTask<T>)result, execution);
#pragma warning restore CA1859

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


    /// <summary>Replaces an intercepted call's <see cref="ValueTask"/> with one that runs <paramref name="whenDone"/> after it.</summary>
    public static void ReturnThenAlways(Castle.DynamicProxy.IInvocation invocation, Action whenDone)
        => invocation.ReturnValue = ThenAlways((ValueTask)invocation.ReturnValue!, whenDone);

    /// <summary>Replaces an intercepted call's <c>ValueTask&lt;T&gt;</c> with one whose result goes through <paramref name="map"/>.</summary>
    public static void ReturnMapped<T>(Castle.DynamicProxy.IInvocation invocation, Func<T, T> map)
        => invocation.ReturnValue = Map((ValueTask<T>)invocation.ReturnValue!, map);

    private static async ValueTask<T> Map<T>(ValueTask<T> task, Func<T, T> map) => map(await task.ConfigureAwait(false));
}
#pragma warning restore CA2012
