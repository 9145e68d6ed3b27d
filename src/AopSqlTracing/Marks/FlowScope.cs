using Autofac;
using Autofac.Core;

namespace AopSqlTracing.Marks;

/// <summary>
/// The lifetime scope last marked in the current async flow (a request's, under <c>UseSqlTracing()</c>, or one the
/// application marked): the unit of work that code built outside any scope, a pooled or factory-made ORM context
/// whose services are the container's root, is used in.
/// </summary>
/// <remarks>
/// The flow holds the scope weakly, and only while the scope keeps its mark slot (it is dropped when the scope ends),
/// so a flow that outlives its scope neither keeps it alive nor resolves anything from it.
/// </remarks>
internal static class FlowScope
{
    private static readonly AsyncLocal<WeakReference<ILifetimeScope>?> Current = new();

    // Until a scope is marked, readers skip the AsyncLocal.
    private static volatile bool _everNoted;

    public static void Note(ILifetimeScope scope)
    {
        _everNoted = true;
        Current.Value = new WeakReference<ILifetimeScope>(scope);
    }

    /// <summary>
    /// Gets the scope code in this flow works in, given the scope its services came from: the flow's marked scope
    /// when it lies within <paramref name="configured"/> (or nothing is configured), else <paramref name="configured"/>.
    /// </summary>
    public static ILifetimeScope? Within(ILifetimeScope? configured)
    {
        if (!_everNoted || Current.Value is not { } noted || !noted.TryGetTarget(out var flow) || ReferenceEquals(flow, configured) || !ScopeMarks.IsLive(flow))
        {
            return configured;
        }

        if (configured is null)
        {
            return flow;
        }

        for (var current = (flow as ISharingLifetimeScope)?.ParentLifetimeScope; current is not null; current = (current as ISharingLifetimeScope)?.ParentLifetimeScope)
        {
            if (ReferenceEquals(current, configured))
            {
                return flow;
            }
        }

        return configured;
    }
}
