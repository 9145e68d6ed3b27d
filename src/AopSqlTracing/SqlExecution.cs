using System.Data.Common;
using System.Reflection;
using AopSqlTracing.Marks;
using Autofac;

namespace AopSqlTracing;

/// <summary>
/// Everything an <see cref="IParentSpanPolicy"/> gets to know about one execution: what runs, on which connection,
/// in which lifetime scope, under which options, and every mark found, innermost first.
/// </summary>
/// <remarks>
/// The library makes one per execution and hands it to the policy. Make your own to unit-test a policy:
/// <c>new SqlExecution(SqlExecutionKind.Command, options) { ConnectionMark = new SqlTraceMark(true, parent) }</c>.
/// </remarks>
public readonly struct SqlExecution
{
    /// <summary>Describes an execution of <paramref name="kind"/> under <paramref name="options"/>; set the rest with initializers.</summary>
    /// <param name="kind">What is about to run.</param>
    /// <param name="options">The options that apply to it.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined <see cref="SqlExecutionKind"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public SqlExecution(SqlExecutionKind kind, SqlTracingOptions options)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "The kind must be Command, Batch or RepositoryCall.");
        }

        ArgumentNullException.ThrowIfNull(options);
        Kind = kind;
        _options = options;
    }

    private readonly SqlTracingOptions? _options;

    /// <summary>Gets what is about to run.</summary>
    public SqlExecutionKind Kind { get; }

    /// <summary>Gets the options of the traced database (for a repository call, the options repository spans follow).</summary>
    public SqlTracingOptions Options => _options ?? new SqlTracingOptions();

    /// <summary>Gets the provider's command, for <see cref="SqlExecutionKind.Command"/>.</summary>
    public DbCommand? Command { get; init; }

    /// <summary>Gets the provider's batch, for <see cref="SqlExecutionKind.Batch"/>.</summary>
    public DbBatch? Batch { get; init; }

    /// <summary>Gets the interface method called, for <see cref="SqlExecutionKind.RepositoryCall"/>.</summary>
    public MethodInfo? Method { get; init; }

    /// <summary>Gets the provider's connection the SQL runs on (null for a repository call).</summary>
    public DbConnection? Connection { get; init; }

    /// <summary>Gets the Entity Framework Core <c>DbContext</c> that runs the command, when it comes from one.</summary>
    public object? Context { get; init; }

    /// <summary>Gets the lifetime scope the connection or repository was resolved in, when known.</summary>
    public ILifetimeScope? Scope { get; init; }

    /// <summary>Gets the command's own mark.</summary>
    public SqlTraceMark CommandMark { get; init; }

    /// <summary>Gets the mark of the enclosing traced repository call: its span is the parent.</summary>
    public SqlTraceMark RepositoryMark { get; init; }

    /// <summary>Gets the connection's mark.</summary>
    public SqlTraceMark ConnectionMark { get; init; }

    /// <summary>Gets the mark of the Entity Framework Core context that runs the command.</summary>
    public SqlTraceMark ContextMark { get; init; }

    /// <summary>Gets the mark of the nearest marked lifetime scope.</summary>
    public SqlTraceMark ScopeMark { get; init; }

    /// <summary>Gets the text that runs: the command's text, or the batch's first command's text.</summary>
    public string? CommandText => Command?.CommandText ?? (Batch is { BatchCommands.Count: > 0 } batch ? batch.BatchCommands[0].CommandText : null);

    /// <summary>Gets whether anything marks this execution.</summary>
    public bool IsMarked => CommandMark.IsMarked || RepositoryMark.IsMarked || ConnectionMark.IsMarked || ContextMark.IsMarked || ScopeMark.IsMarked;

    internal SqlExecution WithMarks(in FoundMarks marks) => this with
    {
        CommandMark = TraceMark.ToPublic(marks.Command),
        RepositoryMark = TraceMark.ToPublic(marks.Repository),
        ConnectionMark = TraceMark.ToPublic(marks.Connection),
        ContextMark = TraceMark.ToPublic(marks.Context),
        ScopeMark = TraceMark.ToPublic(marks.Scope),
    };
}
