using System.Diagnostics;

namespace AopSqlTracing;

/// <summary>One mark found for an execution: whether the object is marked for tracing, and with which parent.</summary>
/// <param name="IsMarked">Whether the object is marked (by <c>SetTraced</c>, <c>SetParentSpan</c> or an enclosing traced repository call).</param>
/// <param name="Parent">The parent it is marked with, or null when marked without one.</param>
public readonly record struct SqlTraceMark(bool IsMarked, ActivityContext? Parent)
{
    /// <summary>Gets the mark of an unmarked object.</summary>
    public static SqlTraceMark None => default;
}
