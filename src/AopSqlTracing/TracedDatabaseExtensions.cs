using System.Data;
using System.Data.Common;
using AopSqlTracing.Proxies;

namespace AopSqlTracing;

/// <summary>
/// The switch of the database a traced connection belongs to: with several traced databases in one container
/// (several <c>RegisterTracedDatabase</c> calls, or one beside <c>TraceAllDatabases</c>), resolving
/// <see cref="ITracedDatabase"/> gives only the last registered; a connection names its own without doubt.
/// </summary>
public static class TracedDatabaseExtensions
{
    /// <summary>Gets the traced database whose registration handed out <paramref name="connection"/>.</summary>
    /// <param name="connection">A connection resolved from the container.</param>
    /// <returns>Its database's switch and options, or <see langword="null"/> when the connection is not traced.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is null.</exception>
    public static ITracedDatabase? GetTracedDatabase(this IDbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection is DbConnection traced ? ConnectionContext.Of(traced)?.Database : null;
    }
}
