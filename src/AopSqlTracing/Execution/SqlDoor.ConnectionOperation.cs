using AopSqlTracing.Marks;

namespace AopSqlTracing.Execution;

// The steps on a connection the door begins, and their vocabulary: nested, so a caller of the door (EF Core's
// adapter) needs no other type.
internal static partial class SqlDoor
{
    /// <summary>
    /// Gets whether <paramref name="options"/> trace <paramref name="operation"/> at all (its option is on): a caller
    /// that must make or find something first to begin it (a data source's connection, an ORM's) asks before that.
    /// </summary>
    public static bool Watches(SqlTracingOptions options, ConnectionOperation operation)
        => operation == ConnectionOperation.Open ? options.TraceConnectionOpen : options.TraceTransactions;

    /// <summary>
    /// Begins a step on a connection that is not a statement (opening it, a transaction's begin, commit, rollback or
    /// savepoint): nothing at all unless its option is on; then the same gate, marks and policy as a command on that
    /// connection, so its span goes under the parent the connection's statements get. A transaction's step is
    /// measured as an operation; an open is not (it is no database operation).
    /// </summary>
    /// <param name="operation">The step.</param>
    /// <param name="connection">The connection it is taken on (for a data source's open, a connection of the same source).</param>
    /// <param name="ormContext">The ORM unit of work that takes it, or null.</param>
    public static SqlOperation BeginConnectionOperation(ConnectionOperation operation, TracedConnection connection, object? ormContext = null)
    {
        var database = connection.Database;
        if (!Watches(database.Options, operation) || !database.IsTracingEnabled)
        {
            return default;
        }

        var options = database.Options;
        var listening = SpanLifecycle.HasListeners;
        var measuring = operation != ConnectionOperation.Open && options.RecordMetrics && SqlMetrics.Enabled;
        if (!listening && !measuring)
        {
            return default;
        }

        var marks = FoundMarks.Gather(command: null, connection.Target, connection.Scope, ormContext);
        var kind = operation == ConnectionOperation.Open ? SqlExecutionKind.ConnectionOpen : SqlExecutionKind.Transaction;
        var traced = listening && DecideSql(connection, marks, kind, command: null, batch: null, ormContext, out var parent);
        if (!traced && !measuring)
        {
            return default;
        }

        var description = SpanDescription.ForConnectionOperation(operation, options);
        var facts = connection.Facts;
        var activity = traced ? SqlSpanFactory.StartSql(description, parent, facts, command: null, options, current: false) : null;
        return new SqlOperation(activity, options, facts, measuring ? description.Source : null);
    }

    /// <summary>
    /// A step on a connection that is not a statement of the application's: opening it, or one step of a transaction.
    /// Each is described by <see cref="SpanDescription.ForConnectionOperation"/> and begun by
    /// <see cref="BeginConnectionOperation"/> when its option is on.
    /// </summary>
    internal enum ConnectionOperation
    {
        /// <summary>Opening the connection (<see cref="SqlTracingOptions.TraceConnectionOpen"/>).</summary>
        Open,

        /// <summary>Beginning a transaction (this and the rest: <see cref="SqlTracingOptions.TraceTransactions"/>).</summary>
        Begin,

        Commit,

        Rollback,

        /// <summary>Creating a savepoint.</summary>
        Savepoint,

        RollbackToSavepoint,

        ReleaseSavepoint,
    }
}
