using System.Runtime.CompilerServices;
using Autofac;
using Autofac.Core;
using Autofac.Core.Lifetime;

namespace AopSqlTracing.Marks;

/// <summary>
/// Marks on Autofac lifetime scopes (the seed's Session): the nearest marked scope, walking from the scope a
/// connection or repository was resolved in up through its parents, applies. A scope's mark is dropped when
/// the scope ends.
/// </summary>
/// <remarks>
/// Each scope gets one slot, made at its first mark and subscribed to the scope's end once: marking and clearing
/// the same scope a million times (a worker marking its container per job) keeps one slot and one handler.
/// </remarks>
internal static class ScopeMarks
{
    private static readonly ConditionalWeakTable<ILifetimeScope, Slot> Slots = new();

    // Until the first scope is marked, executions skip the walk up the scopes.
    private static volatile bool _anyScopeMarked;

    public static bool AnyScopeMarked => _anyScopeMarked;

    public static void Set(ILifetimeScope scope, TraceMark mark)
    {
        _anyScopeMarked = true;
        var slot = Slots.GetValue(scope, Subscribe);
        slot.Mark = mark;
    }

    public static void Clear(ILifetimeScope scope)
    {
        if (Slots.TryGetValue(scope, out var slot))
        {
            slot.Mark = null;
        }
    }

    /// <summary>Gets the scope's own mark, not its parents'.</summary>
    public static TraceMark? Get(ILifetimeScope scope) => _anyScopeMarked && Slots.TryGetValue(scope, out var slot) ? slot.Mark : null;

    public static TraceMark? FindNearest(ILifetimeScope? scope) => FindNearest(scope, out _);

    /// <summary>Ends the mark that applies to <paramref name="scope"/>: its transaction committed or rolled back.</summary>
    public static void ClearNearest(ILifetimeScope? scope)
    {
        if (FindNearest(scope, out var slot) is not null)
        {
            slot!.Mark = null;
        }
    }

    /// <summary>The scope a mark is kept on: a container's marks belong to its root lifetime scope.</summary>
    public static ILifetimeScope Owner(ILifetimeScope scope) => scope is IContainer container ? container.Resolve<ILifetimeScope>() : scope;

    private static TraceMark? FindNearest(ILifetimeScope? scope, out Slot? owner)
    {
        owner = null;
        if (!_anyScopeMarked)
        {
            return null;
        }

        for (var current = scope; current is not null; current = (current as ISharingLifetimeScope)?.ParentLifetimeScope)
        {
            if (Slots.TryGetValue(current, out var slot) && slot.Mark is { } mark)
            {
                owner = slot;
                return mark;
            }
        }

        return null;
    }

    private static Slot Subscribe(ILifetimeScope scope)
    {
        scope.CurrentScopeEnding += DropSlot;
        return new Slot();
    }

    // Static, so the scope's event holds no reference to anything of ours.
    private static void DropSlot(object? sender, LifetimeScopeEndingEventArgs args) => Slots.Remove(args.LifetimeScope);

    private sealed class Slot
    {
        private volatile TraceMark? _mark;

        public TraceMark? Mark
        {
            get => _mark;
            set => _mark = value;
        }
    }
}
