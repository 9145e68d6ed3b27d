using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;

namespace AopSqlTracing.Internal;

/// <summary>
/// The <c>db.system.name</c> of a provider, told from its connection type, so no test or user has to state it; where
/// one provider type speaks to several engines (MySqlConnector: MySQL and MariaDB), told from the server itself.
/// </summary>
internal static class DbSystemNames
{
    public const string MySql = "mysql";
    public const string MariaDb = "mariadb";

    private const int MaxRememberedServers = 256;

    private static readonly ConcurrentDictionary<Type, string> ByConnectionType = new();

    // What open connections showed of each MySQL-protocol server, for the connections that are not open when a
    // command runs (a data source's own commands open one out of our sight).
    private static readonly ConcurrentDictionary<ServerEndpoint, string> ByServer = new();

    /// <summary>Gets the name the provider's connection type tells; <c>mysql</c> for both MySQL and MariaDB.</summary>
    public static string Of(Type connectionType) => ByConnectionType.GetOrAdd(connectionType, Resolve);

    /// <summary>
    /// Gets the name of the engine <paramref name="connection"/> talks to: its type's, except that a MySQL-protocol
    /// connection says <c>mariadb</c> when the server is MariaDB. Open, the server's version tells (and is remembered
    /// for <paramref name="server"/>); closed, what an open connection to the same server showed, else <c>mysql</c>.
    /// </summary>
    /// <param name="connection">The provider's connection.</param>
    /// <param name="byType">What its type tells (<see cref="Of(Type)"/>).</param>
    /// <param name="server">Where it connects.</param>
    /// <param name="guessed">Set when the answer is only the type's, for want of a server seen: it may change.</param>
    public static string Of(DbConnection connection, string byType, ServerEndpoint server, out bool guessed)
    {
        guessed = false;
        if (byType != MySql)
        {
            return byType;
        }

        if (connection.State == ConnectionState.Open && ServerVersion(connection) is { } version)
        {
            var name = version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase) ? MariaDb : MySql;
            if (server.Address is not null && ByServer.Count < MaxRememberedServers)
            {
                ByServer[server] = name;
            }

            return name;
        }

        if (Remembered(server) is { } seen)
        {
            return seen;
        }

        guessed = server.Address is not null;
        return byType;
    }

    /// <summary>Gets what an open connection showed of <paramref name="server"/>'s engine, or null when none has yet.</summary>
    public static string? Remembered(ServerEndpoint server)
        => server.Address is not null && ByServer.TryGetValue(server, out var name) ? name : null;

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

    private static string Resolve(Type connectionType) => connectionType.FullName switch
    {
        "Microsoft.Data.Sqlite.SqliteConnection" or "System.Data.SQLite.SQLiteConnection" => "sqlite",
        "Npgsql.NpgsqlConnection" => "postgresql",
        "Microsoft.Data.SqlClient.SqlConnection" or "System.Data.SqlClient.SqlConnection" => "microsoft.sql_server",
        "MySqlConnector.MySqlConnection" or "MySql.Data.MySqlClient.MySqlConnection" => MySql,
        "Oracle.ManagedDataAccess.Client.OracleConnection" => "oracle.db",
        _ => "other_sql",
    };
}
