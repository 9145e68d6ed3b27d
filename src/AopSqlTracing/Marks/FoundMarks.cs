using Autofac;

namespace AopSqlTracing.Marks;

/// <summary>
/// Every mark that applies to one execution, innermost first: the command's own (used up by reading it), the
/// enclosing traced repository call's, the connection's, the Entity Framework Core context's and the nearest marked
/// lifetime scope's.
/// </summary>
internal readonly struct FoundMarks
{
    private FoundMarks(TraceMark? command, TraceMark? repository, TraceMark? connection, TraceMark? context, TraceMark? scope)
    {
        Command = command;
        Repository = repository;
        Connection = connection;
        Context = context;
        Scope = scope;
    }

    public TraceMark? Command { get; }

    public TraceMark? Repository { get; }

    public TraceMark? Connection { get; }

    public TraceMark? Context { get; }

    public TraceMark? Scope { get; }

    public bool Any => Command is not null || Repository is not null || Connection is not null || Context is not null || Scope is not null;

    /// <summary>
    /// Gets the unit of work whose parent <paramref name="parent"/> is, innermost first: the repository call's, the
    /// connection's, the context's or the scope's mark (a command's own mark is used up at once: no unit of work).
    /// Null when the parent is none of theirs (<see cref="System.Diagnostics.Activity.Current"/>, a new root, a policy's own choice).
    /// </summary>
    // Not inlined: asked only while repeated statements are counted, and its context comparisons would otherwise
    // put their copies in the door's frame, zeroed on every traced command.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public TraceMark? UnitOfWorkUnder(in System.Diagnostics.ActivityContext parent)
    {
        if (parent == default)
        {
            return null;
        }

        return Repository?.Parent == parent ? Repository
            : Connection?.Parent == parent ? Connection
            : Context?.Parent == parent ? Context
            : Scope?.Parent == parent ? Scope
            : null;
    }

    /// <summary>Gets whether any mark may apply anywhere: false until something was marked or a traced repository call ran.</summary>
    public static bool MayExist => MarkTable.AnyMarkSet || ScopeMarks.AnyScopeMarked || AmbientRepositoryCall.EverEntered;

    /// <summary>Gathers the marks of an execution; <paramref name="command"/> and <paramref name="connection"/> are the provider's objects.</summary>
    /// <param name="command">The provider's command, or null.</param>
    /// <param name="connection">The provider's connection, or null.</param>
    /// <param name="scope">The lifetime scope the connection (or repository) was resolved in.</param>
    /// <param name="context">The Entity Framework Core context that runs the command, or null.</param>
    public static FoundMarks Gather(object? command, object? connection, ILifetimeScope? scope, object? context = null)
    {
        // Until anything is marked anywhere, an execution costs three volatile reads here.
        var tableInUse = MarkTable.AnyMarkSet;
        return new FoundMarks(
            tableInUse && command is not null ? MarkTable.Take(command) : null,
            AmbientRepositoryCall.Mark,
            tableInUse && connection is not null ? MarkTable.Get(connection) : null,
            tableInUse && context is not null ? MarkTable.Get(context) : null,
            ScopeMarks.AnyScopeMarked ? ScopeMarks.FindNearest(scope) : null);
    }
}
