using Autofac;
using Autofac.Core;
using Autofac.Core.Lifetime;

namespace AopSqlTracing.Marks;

/// <summary>
/// Marks on Autofac lifetime scopes (the seed's Session): the nearest marked scope, walking from the scope a
/// connection or repository was resolved in up through its parents, applies. A scope's mark is dropped when
/// the scope ends.
/// </summary>
internal static class ScopeMarks
{
    // Until the first scope is marked, executions skip the walk up the scopes.
    private static volatile bool _anyScopeMarked;

    public static void Set(ILifetimeScope scope, TraceMark mark)
    {
        _anyScopeMarked = true;
        if (MarkTable.Get(scope) is null)
        {
            scope.CurrentScopeEnding += DropMark;
        }

        MarkTable.Set(scope, mark);
    }

    public static TraceMark? FindNearest(ILifetimeScope? scope) => FindNearest(scope, out _);

    /// <summary>Ends the mark that applies to <paramref name="scope"/>: its transaction committed or rolled back.</summary>
    public static void ClearNearest(ILifetimeScope? scope)
    {
        if (FindNearest(scope, out var owner) is not null)
        {
            MarkTable.Clear(owner!);
        }
    }

    /// <summary>The scope a mark is kept on: a container's marks belong to its root lifetime scope.</summary>
    public static ILifetimeScope Owner(ILifetimeScope scope) => scope is IContainer container ? container.Resolve<ILifetimeScope>() : scope;

    private static TraceMark? FindNearest(ILifetimeScope? scope, out ILifetimeScope? owner)
    {
        owner = null;
        if (!_anyScopeMarked)
        {
            return null;
        }

        for (var current = scope; current is not null; current = (current as ISharingLifetimeScope)?.ParentLifetimeScope)
        {
            if (MarkTable.Get(current) is { } mark)
            {
                owner = current;
                return mark;
            }
        }

        return null;
    }

    // Static, so the scope's event holds no reference to anything of ours.
    private static void DropMark(object? sender, LifetimeScopeEndingEventArgs args) => MarkTable.Clear(args.LifetimeScope);
}
