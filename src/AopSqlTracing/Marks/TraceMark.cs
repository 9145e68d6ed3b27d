using System.Diagnostics;

namespace AopSqlTracing.Marks;

/// <summary>
/// What <see cref="SqlTracing"/> records beside a command, connection or scope: "traced", with or without a parent.
/// Holds the parent's context, and the parent span only weakly (a span the library started itself, a repository
/// call's, for as long as its call), so a mark keeps no span alive. A mark with a parent is a unit of work: what
/// watches it (<see cref="IUnitOfWorkWatch"/>) is told once when it ends.
/// </summary>
internal sealed class TraceMark
{
    public static readonly TraceMark WithoutParent = new((ActivityContext?)null);

    // Null, an Activity of the library's own (a repository call's span), or a WeakReference<Activity> to the user's.
    private readonly object? _span;
    private IUnitOfWorkWatch? _watch;

    public TraceMark(ActivityContext? parent) => Parent = parent;

    /// <summary>A mark under <paramref name="span"/>, which it can still tell about while the application keeps it.</summary>
    public TraceMark(Activity span)
        : this(span.Context) => _span = new WeakReference<Activity>(span);

    /// <summary>A mark under a span of the library's own, whose life the mark does not outlast.</summary>
    public TraceMark(Activity ownSpan, bool owned)
        : this(ownSpan.Context) => _span = owned ? ownSpan : new WeakReference<Activity>(ownSpan);

    public ActivityContext? Parent { get; }

    /// <summary>The public view of a mark that may be missing.</summary>
    public static SqlTraceMark ToPublic(TraceMark? mark) => mark is null ? SqlTraceMark.None : new SqlTraceMark(true, mark.Parent);

    /// <summary>Gets the watch of this unit of work, made by <paramref name="make"/> the first time.</summary>
    public IUnitOfWorkWatch Watch(Func<IUnitOfWorkWatch> make)
    {
        if (Volatile.Read(ref _watch) is { } watch)
        {
            return watch;
        }

        var made = make();
        return Interlocked.CompareExchange(ref _watch, made, null) ?? made;
    }

    /// <summary>Ends the unit of work: its watch, if any, is told once, with the parent span if it is still here.</summary>
    public void End()
    {
        if (Interlocked.Exchange(ref _watch, null) is not { } watch)
        {
            return;
        }

        var span = _span switch
        {
            Activity own => own,
            WeakReference<Activity> weak when weak.TryGetTarget(out var users) => users,
            _ => null,
        };
        watch.UnitOfWorkEnded(span);
    }
}
