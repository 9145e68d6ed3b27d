using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using AopSqlTracing.Statements;

namespace AopSqlTracing.Engines;

/// <summary>
/// Everything the library knows of one database engine, in one value: its <c>db.system.name</c>, the lexical rules
/// its text is read by, the provider's own <see cref="ActivitySource"/> (when it has one), whether only its server
/// tells which engine it is, and how a provider's exception gives its error code. Every other place asks this value;
/// nothing switches on an engine's name.
/// </summary>
internal sealed class DbEngine
{
    public static readonly DbEngine Sqlite = new("sqlite", SqlDialect.Sqlite, hasServer: false, errorNumbers: ["SqliteErrorCode"]);
    public static readonly DbEngine PostgreSql = new("postgresql", SqlDialect.PostgreSql, providerSource: "Npgsql");
    public static readonly DbEngine MySql = new("mysql", SqlDialect.MySql, providerSource: "MySqlConnector", errorNumbers: ["Number"]);
    public static readonly DbEngine MariaDb = new("mariadb", SqlDialect.MySql, providerSource: "MySqlConnector", errorNumbers: ["Number"]);
    public static readonly DbEngine SqlServer = new("microsoft.sql_server", SqlDialect.SqlServer, errorNumbers: ["Number"], dataSourceForm: true);
    public static readonly DbEngine Oracle = new("oracle.db", SqlDialect.Generic, errorNumbers: ["Number"]);
    public static readonly DbEngine Other = new("other_sql", SqlDialect.Generic, errorNumbers: ["SqliteErrorCode", "Number"]);

    private static readonly ConcurrentDictionary<(Type, string), PropertyInfo?> ErrorNumbers = new();

    // Listeners choose sources by name: a source of the provider's name here answers whether the provider's is listened to.
    private readonly ActivitySource? _providerSource;
    private readonly string[] _errorNumbers;

    private DbEngine(string systemName, SqlDialect dialect, bool hasServer = true, string? providerSource = null, string[]? errorNumbers = null, bool dataSourceForm = false)
    {
        WritesServerAsDataSource = dataSourceForm;
        SystemName = systemName;
        Dialect = dialect;
        HasServer = hasServer;
        _providerSource = providerSource is null ? null : new ActivitySource(providerSource);
        _errorNumbers = errorNumbers ?? [];
    }

    /// <summary>Gets the <c>db.system.name</c>.</summary>
    public string SystemName { get; }

    /// <summary>Gets the lexical rules the engine's SQL is read by.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>Gets whether the engine is a server (it has <c>server.address</c>); an embedded one has a file.</summary>
    public bool HasServer { get; }

    /// <summary>
    /// Gets whether the connection string writes the server as SQL Server's data source,
    /// <c>[protocol:]host[\instance][,port]</c> (<c>tcp:db.example.com,1433</c>), rather than a host and a <c>Port</c> key.
    /// </summary>
    public bool WritesServerAsDataSource { get; }

    /// <summary>
    /// Gets whether the provider's connection type speaks for several engines, so that only the server, once the
    /// connection is open, tells which one it is (MySqlConnector: MySQL or MariaDB).
    /// </summary>
    public bool AsksServer => ReferenceEquals(this, MySql);

    /// <summary>
    /// Gets whether anyone listens to the provider's own spans. Only then is our span made current for the provider's
    /// call (so the provider's span is its child); otherwise each command would pay two <see cref="Activity.Current"/>
    /// writes for nothing.
    /// </summary>
    public bool ProviderIsListened => _providerSource?.HasListeners() == true;

    /// <summary>
    /// Gets the <c>db.response.status_code</c> of a provider's exception: the engine's own error number when the
    /// exception has one (SQLite's <c>SqliteErrorCode</c>; SQL Server's, MySQL's and MariaDB's <c>Number</c>), else
    /// its SQLSTATE (PostgreSQL), else <see cref="System.Runtime.InteropServices.ExternalException.ErrorCode"/>.
    /// </summary>
    public string StatusCodeOf(DbException exception)
    {
        foreach (var name in _errorNumbers)
        {
            if (ErrorNumber(exception.GetType(), name)?.GetValue(exception) is int number)
            {
                return number.ToString(CultureInfo.InvariantCulture);
            }
        }

        return exception.SqlState is { Length: > 0 } sqlState
            ? sqlState
            : exception.ErrorCode.ToString(CultureInfo.InvariantCulture);
    }

    public override string ToString() => SystemName;

    // Found once per exception type; an engine's exception without that property falls through to its SQLSTATE.
    private static PropertyInfo? ErrorNumber(Type exceptionType, string name)
        => ErrorNumbers.GetOrAdd((exceptionType, name), static key => key.Item1.GetProperty(key.Item2, BindingFlags.Public | BindingFlags.Instance) is { } property && property.PropertyType == typeof(int) ? property : null);
}
