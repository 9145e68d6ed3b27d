using Autofac;

namespace AopSqlTracing.Marks;

/// <summary>
/// What a commit or rollback ends, as the seed does for connections and sessions: the connection's mark and the
/// mark of the nearest marked lifetime scope.
/// </summary>
internal static class TransactionMarks
{
    /// <param name="connection">The provider's connection.</param>
    /// <param name="scope">The scope the traced connection was resolved in.</param>
    public static void End(object connection, ILifetimeScope? scope)
    {
        MarkTable.Clear(connection);
        ScopeMarks.ClearNearest(scope);
    }
}
