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

    /// <summary>Marks a unit of work: the mark ends at the first commit or rollback under the scope, or with the scope.</summary>
    public static void Set(ILifetimeScope scope, TraceMark mark)
    {
        _anyScopeMarked = true;
        var slot = Slots.GetValue(scope, Subscribe);
        Ended(slot.UnitOfWork, mark);
        slot.UnitOfWork = mark;
        FlowScope.Note(scope);
    }

    /// <summary>Marks the scope for its whole life (a request): commits and rollbacks under it leave this mark.</summary>
    public static void SetLasting(ILifetimeScope scope, TraceMark mark)
    {
        _anyScopeMarked = true;
        var slot = Slots.GetValue(scope, Subscribe);
        Ended(slot.Lasting, mark);
        slot.Lasting = mark;
        FlowScope.Note(scope);
    }

    public static void Clear(ILifetimeScope scope)
    {
        if (Slots.TryGetValue(scope, out var slot))
        {
            slot.EndBoth();
        }
    }

    /// <summary>Gets the scope's own mark, not its parents'.</summary>
    public static TraceMark? Get(ILifetimeScope scope) => _anyScopeMarked && Slots.TryGetValue(scope, out var slot) ? slot.Mark : null;

    public static TraceMark? FindNearest(ILifetimeScope? scope) => FindNearest(scope, out _);

    /// <summary>Tells whether the scope has been marked and has not ended.</summary>
    public static bool IsLive(ILifetimeScope scope) => Slots.TryGetValue(scope, out _);

    /// <summary>
    /// Ends the unit of work that applies to <paramref name="scope"/>: its transaction committed or rolled back. A
    /// scope marked for its whole life keeps that mark.
    /// </summary>
    public static void ClearNearest(ILifetimeScope? scope)
    {
        if (FindNearest(scope, out var slot) is not null)
        {
            var ended = slot!.UnitOfWork;
            slot.UnitOfWork = null;
            ended?.End();
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
    private static void DropSlot(object? sender, LifetimeScopeEndingEventArgs args)
    {
        if (Slots.TryGetValue(args.LifetimeScope, out var slot))
        {
            Slots.Remove(args.LifetimeScope);
            slot.EndBoth();
        }
    }

    // A mark replaced by another ends its unit of work.
    private static void Ended(TraceMark? earlier, TraceMark replacement)
    {
        if (earlier is not null && earlier != replacement)
        {
            earlier.End();
        }
    }

    // A unit of work's mark, set by the application, goes first; a mark for the scope's life is under it.
    private sealed class Slot
    {
        private volatile TraceMark? _unitOfWork;
        private volatile TraceMark? _lasting;

        public TraceMark? Mark => _unitOfWork ?? _lasting;

        public TraceMark? UnitOfWork
        {
            get => _unitOfWork;
            set => _unitOfWork = value;
        }

        public TraceMark? Lasting
        {
            get => _lasting;
            set => _lasting = value;
        }

        // The unit of work's mark first: it is the inner one.
        public void EndBoth()
        {
            var unitOfWork = _unitOfWork;
            var lasting = _lasting;
            _unitOfWork = null;
            _lasting = null;
            unitOfWork?.End();
            lasting?.End();
        }
    }
}
