using System.Collections.Concurrent;
using System.Reflection;
using AopSqlTracing.Execution;
using AopSqlTracing.Marks;

namespace AopSqlTracing.Repositories;

/// <summary>
/// An async stream returned by a traced repository method: its span covers one enumeration, from
/// <c>GetAsyncEnumerator</c> to the end of the items, a failure, or dispose, and SQL run while producing
/// items is traced under it.
/// </summary>
internal static class TracedAsyncEnumerable
{
    private static readonly ConcurrentDictionary<Type, Func<object, MethodInfo, RepositoryInterceptor, object>> Wrappers = new();

    public static bool IsAsyncStream(Type returnType)
        => returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>);

    public static object? Wrap(object? stream, MethodInfo method, RepositoryInterceptor interceptor)
        => stream is null ? null : Wrappers.GetOrAdd(method.ReturnType, MakeWrapper)(stream, method, interceptor);

    private static Func<object, MethodInfo, RepositoryInterceptor, object> MakeWrapper(Type returnType)
        => typeof(TracedAsyncEnumerable).GetMethod(nameof(WrapTyped), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(returnType.GetGenericArguments()[0])
            .CreateDelegate<Func<object, MethodInfo, RepositoryInterceptor, object>>();

    // Returns object: it is bound to a delegate of one shape for every T.
#pragma warning disable CA1859
    private static object WrapTyped<T>(object stream, MethodInfo method, RepositoryInterceptor interceptor)
        => new Stream<T>((IAsyncEnumerable<T>)stream, method, interceptor);
#pragma warning restore CA1859

    private sealed class Stream<T>(IAsyncEnumerable<T> inner, MethodInfo method, RepositoryInterceptor interceptor) : IAsyncEnumerable<T>
    {
        public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            var execution = interceptor.Begin(method);
            if (!execution.IsTraced)
            {
                return inner.GetAsyncEnumerator(cancellationToken);
            }

            var mark = new TraceMark(execution.Activity!.Context);
            var previous = AmbientRepositoryCall.Enter(mark);
            try
            {
                return new Enumerator<T>(inner.GetAsyncEnumerator(cancellationToken), execution, mark);
            }
            catch (Exception exception)
            {
                execution.Fail(exception);
                throw;
            }
            finally
            {
                AmbientRepositoryCall.Exit(previous);
            }
        }
    }

    private sealed class Enumerator<T>(IAsyncEnumerator<T> inner, TracedExecution execution, TraceMark mark) : IAsyncEnumerator<T>
    {
        private int _ended;

        public T Current => inner.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            // The iterator's body runs inside MoveNextAsync and captures this context at its first await.
            var previous = AmbientRepositoryCall.Enter(mark);
            try
            {
                var moving = inner.MoveNextAsync();
                if (moving.IsCompletedSuccessfully)
                {
                    var hasItem = moving.Result;
                    if (!hasItem)
                    {
                        End(null);
                    }

                    return ValueTask.FromResult(hasItem);
                }

                return AwaitMove(moving);
            }
            catch (Exception exception)
            {
                End(exception);
                throw;
            }
            finally
            {
                AmbientRepositoryCall.Exit(previous);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                End(null);
            }
        }

        private async ValueTask<bool> AwaitMove(ValueTask<bool> moving)
        {
            try
            {
                var hasItem = await moving.ConfigureAwait(false);
                if (!hasItem)
                {
                    End(null);
                }

                return hasItem;
            }
            catch (Exception exception)
            {
                End(exception);
                throw;
            }
        }

        private void End(Exception? exception)
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                execution.End(exception);
            }
        }
    }
}
