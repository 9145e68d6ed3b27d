using System.Data.Common;
using System.Reflection;
using Autofac;

namespace AopSqlTracing;

/// <summary>
/// Everything an <see cref="IParentSpanPolicy"/> gets to know about one execution: what runs, on which connection,
/// in which lifetime scope, under which options, and every mark found, innermost first.
/// </summary>
public readonly struct SqlExecution
{
    internal SqlExecution(
        SqlExecutionKind kind,
        DbCommand? command,
        DbBatch? batch,
        MethodInfo? method,
        DbConnection? connection,
        ILifetimeScope? scope,
        SqlTracingOptions options,
        SqlTraceMark commandMark,
        SqlTraceMark repositoryMark,
        SqlTraceMark connectionMark,
        SqlTraceMark scopeMark)
    {
        Kind = kind;
        Command = command;
        Batch = batch;
        Method = method;
        Connection = connection;
        Scope = scope;
        Options = options;
        CommandMark = commandMark;
        RepositoryMark = repositoryMark;
        ConnectionMark = connectionMark;
        ScopeMark = scopeMark;
    }

    /// <summary>Gets what is about to run.</summary>
    public SqlExecutionKind Kind { get; }

    /// <summary>Gets the provider's command, for <see cref="SqlExecutionKind.Command"/>.</summary>
    public DbCommand? Command { get; }

    /// <summary>Gets the provider's batch, for <see cref="SqlExecutionKind.Batch"/>.</summary>
    public DbBatch? Batch { get; }

    /// <summary>Gets the interface method called, for <see cref="SqlExecutionKind.RepositoryCall"/>.</summary>
    public MethodInfo? Method { get; }

    /// <summary>Gets the provider's connection the SQL runs on (null for a repository call).</summary>
    public DbConnection? Connection { get; }

    /// <summary>Gets the lifetime scope the connection or repository was resolved in, when known.</summary>
    public ILifetimeScope? Scope { get; }

    /// <summary>Gets the options of the traced database (the defaults for a repository call).</summary>
    public SqlTracingOptions Options { get; }

    /// <summary>Gets the command's own mark.</summary>
    public SqlTraceMark CommandMark { get; }

    /// <summary>Gets the mark of the enclosing traced repository call: its span is the parent.</summary>
    public SqlTraceMark RepositoryMark { get; }

    /// <summary>Gets the connection's mark.</summary>
    public SqlTraceMark ConnectionMark { get; }

    /// <summary>Gets the mark of the nearest marked lifetime scope.</summary>
    public SqlTraceMark ScopeMark { get; }

    /// <summary>Gets the text that runs: the command's text, or the batch's first command's text.</summary>
    public string? CommandText => Command?.CommandText ?? (Batch is { BatchCommands.Count: > 0 } batch ? batch.BatchCommands[0].CommandText : null);
}
