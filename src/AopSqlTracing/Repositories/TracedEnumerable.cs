using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace AopSqlTracing.Repositories;

/// <summary>
/// A lazy sequence returned by a traced repository method declared to return <see cref="IEnumerable{T}"/> (an
/// iterator, <c>yield return</c>, Dapper's unbuffered query): its SQL runs while the caller enumerates, so the span
/// covers each enumeration, as for an async stream. A collection (list, array) is already complete and is handed
/// back as it is, so code that casts it to its type keeps working. The call's own span covers the call and the first
/// enumeration; each later enumeration is a span of its own.
/// </summary>
internal static class TracedEnumerable
{
    private static readonly ConcurrentDictionary<Type, Func<object, MethodInfo, RepositoryInterceptor, EnumerationSpan, object>> Wrappers = new();

    public static bool IsSequence(Type returnType)
        => returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(IEnumerable<>);

    /// <summary>Tells whether a returned sequence is lazy: not a collection whose items already exist.</summary>
    public static bool IsLazy(object? sequence) => sequence is not null and not ICollection && !IsReadOnlyCollection(sequence.GetType());

    public static object Wrap(object sequence, MethodInfo method, RepositoryInterceptor interceptor, EnumerationSpan first)
        => Wrappers.GetOrAdd(method.ReturnType, MakeWrapper)(sequence, method, interceptor, first);

    private static bool IsReadOnlyCollection(Type type)
        => type.GetInterfaces().Any(candidate => candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IReadOnlyCollection<>));

    private static Func<object, MethodInfo, RepositoryInterceptor, EnumerationSpan, object> MakeWrapper(Type returnType)
        => typeof(TracedEnumerable).GetMethod(nameof(WrapTyped), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(returnType.GetGenericArguments()[0])
            .CreateDelegate<Func<object, MethodInfo, RepositoryInterceptor, EnumerationSpan, object>>();

    // Returns object: it is bound to a delegate of one shape for every T.
#pragma warning disable CA1859
    private static object WrapTyped<T>(object sequence, MethodInfo method, RepositoryInterceptor interceptor, EnumerationSpan first)
        => new Sequence<T>((IEnumerable<T>)sequence, method, interceptor, first);
#pragma warning restore CA1859

    private sealed class Sequence<T>(IEnumerable<T> inner, MethodInfo method, RepositoryInterceptor interceptor, EnumerationSpan first) : IEnumerable<T>
    {
        private EnumerationSpan? _first = first;

        public IEnumerator<T> GetEnumerator()
        {
            if ((Interlocked.Exchange(ref _first, null) ?? EnumerationSpan.Begin(interceptor, method)) is not { } span)
            {
                return inner.GetEnumerator();
            }

            var previous = span.Enter();
            try
            {
                return new Enumerator<T>(inner.GetEnumerator(), span);
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

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class Enumerator<T>(IEnumerator<T> inner, EnumerationSpan span) : IEnumerator<T>
    {
        public T Current => inner.Current;

        object? IEnumerator.Current => Current;

        public bool MoveNext()
        {
            var previous = span.Enter();
            try
            {
                return span.Moved(inner.MoveNext());
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

        public void Reset() => inner.Reset();

        public void Dispose()
        {
            try
            {
                inner.Dispose();
            }
            finally
            {
                span.End(null);
            }
        }
    }
}
