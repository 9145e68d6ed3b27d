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
}
