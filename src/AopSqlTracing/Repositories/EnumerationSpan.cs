using AopSqlTracing.Execution;
using AopSqlTracing.Marks;
using Autofac;
using Autofac.Core.Lifetime;

namespace AopSqlTracing.Repositories;

/// <summary>
/// The span of one enumeration of a sequence a traced repository method returned (an async stream or a lazy
/// <see cref="IEnumerable{T}"/>): the parent of the SQL run while producing items, ended once at the end of the
/// items, a failure or dispose, and at the latest when the lifetime scope that resolved the repository ends, so an
/// enumeration the application abandons never keeps its span open.
/// </summary>
internal sealed class EnumerationSpan
{
    private readonly SqlOperation _execution;
    private readonly ILifetimeScope _scope;
    private readonly EventHandler<LifetimeScopeEndingEventArgs> _scopeEnding;
    private int _ended;

    private EnumerationSpan(SqlOperation execution, ILifetimeScope scope)
    {
        _execution = execution;
        _scope = scope;
        Mark = execution.UnitOfWork!;
        _scopeEnding = (_, _) => End(null);
        scope.CurrentScopeEnding += _scopeEnding;
    }

    /// <summary>Gets the mark the SQL run while producing items is traced under.</summary>
    public TraceMark Mark { get; }

    /// <summary>Goes on with a call's span over the first enumeration of the sequence it returned.</summary>
    public static EnumerationSpan Continue(SqlOperation execution, ILifetimeScope scope) => new(execution, scope);

    /// <summary>Starts the span of one enumeration, or returns null when the call is not traced.</summary>
    public static EnumerationSpan? Begin(RepositoryInterceptor interceptor, System.Reflection.MethodInfo method)
        => interceptor.Begin(method) is { IsTraced: true } execution ? new EnumerationSpan(execution, interceptor.Scope) : null;

    /// <summary>Runs one step of the enumeration with the span as the ambient repository call.</summary>
    public TraceMark? Enter() => AmbientRepositoryCall.Enter(Mark);

    public static void Exit(TraceMark? previous) => AmbientRepositoryCall.Exit(previous);

    /// <summary>Hands back whether the enumeration moved to an item, ending the span when it reached the end.</summary>
    public bool Moved(bool hasItem)
    {
        if (!hasItem)
        {
            End(null);
        }

        return hasItem;
    }

    /// <summary>Ends the span once: successfully when <paramref name="failure"/> is null.</summary>
    public void End(Exception? failure)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        _scope.CurrentScopeEnding -= _scopeEnding;
        _execution.End(failure);
    }
}
