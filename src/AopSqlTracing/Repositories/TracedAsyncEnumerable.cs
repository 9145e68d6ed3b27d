using System.Diagnostics;
using System.Reflection;
using AopSqlTracing.Internal;
using AopSqlTracing.Marks;

namespace AopSqlTracing.Repositories;

/// <summary>
/// An async stream returned by a traced repository method: its span covers one enumeration, from
/// <c>GetAsyncEnumerator</c> to the end of the items, a failure, or dispose, and SQL run while producing
/// items is traced under it.
/// </summary>
internal sealed class TracedAsyncEnumerable<T>(IAsyncEnumerable<T> inner, MethodInfo method, RepositoryInterceptor interceptor) : IAsyncEnumerable<T>
{
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var activity = interceptor.Begin(method);
        if (activity is null)
        {
            return inner.GetAsyncEnumerator(cancellationToken);
        }

        var mark = new TraceMark(activity.Context);
        var previous = AmbientRepositoryCall.Enter(mark);
        try
        {
            return new Enumerator(inner.GetAsyncEnumerator(cancellationToken), activity, mark);
        }
        catch (Exception exception)
        {
            SqlSpanFactory.Fail(activity, exception);
            throw;
        }
        finally
        {
            AmbientRepositoryCall.Exit(previous);
        }
    }

    private sealed class Enumerator(IAsyncEnumerator<T> inner, Activity activity, TraceMark mark) : IAsyncEnumerator<T>
    {
        private Activity? _activity = activity;

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
            var activity = Interlocked.Exchange(ref _activity, null);
            if (exception is null)
            {
                SqlSpanFactory.Stop(activity);
            }
            else
            {
                SqlSpanFactory.Fail(activity, exception);
            }
        }
    }
}
