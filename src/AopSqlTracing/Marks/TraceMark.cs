using System.Diagnostics;

namespace AopSqlTracing.Marks;

/// <summary>
/// What <see cref="SqlTracing"/> records beside a command, connection or scope: "traced", with or without a parent.
/// Holds the parent's context, never the Activity, so a mark keeps no span alive.
/// </summary>
internal sealed class TraceMark
{
    public static readonly TraceMark WithoutParent = new(null);

    public TraceMark(ActivityContext? parent) => Parent = parent;

    public ActivityContext? Parent { get; }

    /// <summary>The public view of a mark that may be missing.</summary>
    public static SqlTraceMark ToPublic(TraceMark? mark) => mark is null ? SqlTraceMark.None : new SqlTraceMark(true, mark.Parent);
}
