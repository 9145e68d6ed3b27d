using System.Runtime.CompilerServices;

namespace AopSqlTracing.Marks;

/// <summary>
/// Marks on commands and connections, kept beside the provider's objects. Keys are held weakly, so a marked
/// command or connection that the application drops is collected together with its mark.
/// </summary>
internal static class MarkTable
{
    private static readonly ConditionalWeakTable<object, TraceMark> Marks = new();

    // Until the first mark is set, executions skip the table altogether.
    private static volatile bool _anyMarkSet;

    public static bool AnyMarkSet => _anyMarkSet;

    /// <summary>Sets the mark of <paramref name="owner"/>; a mark it replaces ends its unit of work.</summary>
    public static void Set(object owner, TraceMark mark)
    {
        _anyMarkSet = true;
        var replaced = Marks.TryGetValue(owner, out var earlier) ? earlier : null;
        Marks.AddOrUpdate(owner, mark);
        if (replaced != mark)
        {
            replaced?.End();
        }
    }

    /// <summary>Removes the mark of <paramref name="owner"/>, ending its unit of work.</summary>
    public static void Clear(object owner)
    {
        if (Marks.TryGetValue(owner, out var mark) && Marks.Remove(owner))
        {
            mark.End();
        }
    }

    public static TraceMark? Get(object owner) => _anyMarkSet && Marks.TryGetValue(owner, out var mark) ? mark : null;

    /// <summary>Reads and removes in one step: a command's mark is used up by its execution, as in the seed.</summary>
    public static TraceMark? Take(object owner) => _anyMarkSet && Marks.TryGetValue(owner, out var mark) && Marks.Remove(owner) ? mark : null;
}
