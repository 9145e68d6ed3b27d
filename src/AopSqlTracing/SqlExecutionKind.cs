namespace AopSqlTracing;

/// <summary>What an <see cref="SqlExecution"/> is about to run.</summary>
public enum SqlExecutionKind
{
    /// <summary>One command (<c>ExecuteNonQuery</c>, <c>ExecuteScalar</c>, <c>ExecuteReader</c>, sync or async).</summary>
    Command,

    /// <summary>A whole <see cref="System.Data.Common.DbBatch"/>.</summary>
    Batch,

    /// <summary>A call of a traced repository method.</summary>
    RepositoryCall,

    /// <summary>
    /// A transaction's begin, commit, rollback or savepoint, traced when <see cref="SqlTracingOptions.TraceTransactions"/>
    /// is on; there is no command (<see cref="SqlExecution.Command"/> and <see cref="SqlExecution.CommandText"/> are null).
    /// </summary>
    Transaction,

    /// <summary>
    /// A connection being opened, traced when <see cref="SqlTracingOptions.TraceConnectionOpen"/> is on; there is no command.
    /// </summary>
    ConnectionOpen,
}
