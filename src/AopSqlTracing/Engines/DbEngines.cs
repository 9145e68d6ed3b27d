using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;

namespace AopSqlTracing.Engines;

/// <summary>
/// Tells the <see cref="DbEngine"/> of a provider's connection from its type, so no test or user has to state it;
/// where one provider type speaks to several engines (MySqlConnector: MySQL and MariaDB), from the server itself.
/// </summary>
internal static class DbEngines
{
    private const int MaxRememberedServers = 256;

    private static readonly ConcurrentDictionary<Type, DbEngine> ByConnectionType = new();

    // What open connections showed of each MySQL-protocol server, for the connections that are not open when a
    // command runs (a data source's own commands open one out of our sight).
    private static readonly ConcurrentDictionary<ServerEndpoint, DbEngine> ByServer = new();

    /// <summary>Gets the engine the provider's connection type tells; <see cref="DbEngine.MySql"/> for both MySQL and MariaDB.</summary>
    public static DbEngine Of(Type connectionType) => ByConnectionType.GetOrAdd(connectionType, Resolve);

    /// <summary>
    /// Gets the engine <paramref name="connection"/> talks to: its type's, except that a MySQL-protocol connection is
    /// MariaDB when its server says so. Open, the server's version tells (and is remembered for
    /// <paramref name="server"/>); closed, what an open connection to the same server showed, else MySQL.
    /// </summary>
    /// <param name="connection">The provider's connection.</param>
    /// <param name="byType">What its type tells (<see cref="Of(Type)"/>).</param>
    /// <param name="server">Where it connects.</param>
    /// <param name="guessed">Set when the answer is only the type's, for want of a server seen: it may change.</param>
    public static DbEngine Of(DbConnection connection, DbEngine byType, ServerEndpoint server, out bool guessed)
    {
        guessed = false;
        if (!byType.AsksServer)
        {
            return byType;
        }

        if (connection.State == ConnectionState.Open && ServerVersion(connection) is { } version)
        {
            var engine = version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase) ? DbEngine.MariaDb : byType;
            if (server.Address is not null && ByServer.Count < MaxRememberedServers)
            {
                ByServer[server] = engine;
            }

            return engine;
        }

        if (Remembered(server) is { } seen)
        {
            return seen;
        }

        guessed = server.Address is not null;
        return byType;
    }

    /// <summary>Gets what an open connection showed of <paramref name="server"/>'s engine, or null when none has yet.</summary>
    public static DbEngine? Remembered(ServerEndpoint server)
        => server.Address is not null && ByServer.TryGetValue(server, out var engine) ? engine : null;

    // A connection broken under its Open state may throw here: then it is told as a closed one.
    private static string? ServerVersion(DbConnection connection)
    {
        try
        {
            return connection.ServerVersion;
        }
        catch (Exception exception) when (exception is InvalidOperationException or DbException or ObjectDisposedException)
        {
            return null;
        }
    }

    private static DbEngine Resolve(Type connectionType) => connectionType.FullName switch
    {
        "Microsoft.Data.Sqlite.SqliteConnection" or "System.Data.SQLite.SQLiteConnection" => DbEngine.Sqlite,
        "Npgsql.NpgsqlConnection" => DbEngine.PostgreSql,
        "Microsoft.Data.SqlClient.SqlConnection" or "System.Data.SqlClient.SqlConnection" => DbEngine.SqlServer,
        "MySqlConnector.MySqlConnection" or "MySql.Data.MySqlClient.MySqlConnection" => DbEngine.MySql,
        "Oracle.ManagedDataAccess.Client.OracleConnection" => DbEngine.Oracle,
        _ => DbEngine.Other,
    };
}
