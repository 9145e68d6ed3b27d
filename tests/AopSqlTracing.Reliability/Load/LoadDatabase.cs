using System.Data.Common;

namespace AopSqlTracing.Reliability.Load;

/// <summary>One database a load run works on: a fresh one per run, so a traced and an untraced run start equal.</summary>
public abstract class LoadDatabase : IDisposable
{
    /// <summary>Gets the engine and setup, for the printed figures.</summary>
    public abstract string Description { get; }

    /// <summary>Gets the name of the run's table: (id, worker, n, v).</summary>
    public abstract string Table { get; }

    /// <summary>Makes a new, closed provider connection to the database.</summary>
    public abstract DbConnection CreateConnection();

    /// <summary>Per-connection settings, run on the provider's connection (so never traced) right after it opens.</summary>
    public virtual void Prepare(DbConnection providerConnection)
    {
    }

    public abstract void Dispose();

    protected static void Run(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
