namespace AopSqlTracing.Execution;

// The door's vocabulary for the steps it begins: nested, so a caller of the door (EF Core's adapter) needs no other type.
internal static partial class SqlDoor
{
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
