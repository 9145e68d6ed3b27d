using System.Collections.Concurrent;
using System.Reflection;

namespace AopSqlTracing.Repositories;

/// <summary>
/// An async stream returned by a traced repository method: its span covers one enumeration, from
/// <c>GetAsyncEnumerator</c> to the end of the items, a failure, dispose or the end of the repository's lifetime
/// scope (<see cref="EnumerationSpan"/>), and SQL run while producing items is traced under it.
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
            if (EnumerationSpan.Begin(interceptor, method) is not { } span)
            {
                return inner.GetAsyncEnumerator(cancellationToken);
            }

            var previous = span.Enter();
            try
            {
                return new Enumerator<T>(inner.GetAsyncEnumerator(cancellationToken), span);
            }
            catch (Exception exception)
            {
                span.End(exception);
                throw;
            }
            finally
            {
                EnumerationSpan.Exit(previous);
            }
        }
    }

    private sealed class Enumerator<T>(IAsyncEnumerator<T> inner, EnumerationSpan span) : IAsyncEnumerator<T>
    {
        public T Current => inner.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            // The iterator's body runs inside MoveNextAsync and captures this context at its first await.
            var previous = span.Enter();
            try
            {
                var moving = inner.MoveNextAsync();
                return moving.IsCompletedSuccessfully ? ValueTask.FromResult(span.Moved(moving.Result)) : AwaitMove(moving);
            }
            catch (Exception exception)
            {
                span.End(exception);
                throw;
            }
            finally
            {
                EnumerationSpan.Exit(previous);
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
                span.End(null);
            }
        }

        private async ValueTask<bool> AwaitMove(ValueTask<bool> moving)
        {
            try
            {
                return span.Moved(await moving.ConfigureAwait(false));
            }
            catch (Exception exception)
            {
                span.End(exception);
                throw;
            }
        }
    }
}
