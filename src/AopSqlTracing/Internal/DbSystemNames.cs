using System.Collections.Concurrent;

namespace AopSqlTracing.Internal;

/// <summary>
/// The <c>db.system.name</c> of a provider, told from its connection type, so no test or user has to state it.
/// </summary>
internal static class DbSystemNames
{
    private static readonly ConcurrentDictionary<Type, string> ByConnectionType = new();

    public static string Of(Type connectionType) => ByConnectionType.GetOrAdd(connectionType, Resolve);

    private static string Resolve(Type connectionType) => connectionType.FullName switch
    {
        "Microsoft.Data.Sqlite.SqliteConnection" or "System.Data.SQLite.SQLiteConnection" => "sqlite",
        "Npgsql.NpgsqlConnection" => "postgresql",
        "Microsoft.Data.SqlClient.SqlConnection" or "System.Data.SqlClient.SqlConnection" => "microsoft.sql_server",
        "MySqlConnector.MySqlConnection" or "MySql.Data.MySqlClient.MySqlConnection" => "mysql",
        "Oracle.ManagedDataAccess.Client.OracleConnection" => "oracle.db",
        _ => "other_sql",
    };
}
