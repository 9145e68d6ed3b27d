namespace AopSqlTracing.Marks;

/// <summary>
/// The traced repository call the current code runs inside, flowing with the async context, so SQL run by the
/// repository (on any connection, sync or after awaits) is traced under the repository's span.
/// </summary>
internal static class AmbientRepositoryCall
{
    private static readonly AsyncLocal<TraceMark?> Current = new();

    // Until a traced repository call has run, every command skips the AsyncLocal read.
    private static volatile bool _everEntered;

    /// <summary>Gets whether a traced repository call has run in this process.</summary>
    public static bool EverEntered => _everEntered;

    public static TraceMark? Mark => _everEntered ? Current.Value : null;

    /// <summary>Makes <paramref name="mark"/> current and returns what was current, to be handed to <see cref="Exit"/>.</summary>
    public static TraceMark? Enter(TraceMark mark)
    {
        _everEntered = true;
        var previous = Current.Value;
        Current.Value = mark;
        return previous;
    }

    public static void Exit(TraceMark? previous) => Current.Value = previous;
}
