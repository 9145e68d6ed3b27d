using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AopSqlTracing.EntityFrameworkCore.Tests.Support;

/// <summary>One database engine under EF Core, with a database (SQLite) or schema (PostgreSQL) of the test's own.</summary>
public interface IEfEngine : IDisposable
{
    string? SkipReason { get; }

    string SystemName { get; }

    /// <summary>Gets the name of the provider's own ActivitySource, or null when it starts no spans.</summary>
    string? ProviderSource { get; }

    /// <summary>Gets the schema the test's tables live in (null on SQLite).</summary>
    string? Schema { get; }

    /// <summary>Chooses the provider for the test's database, by connection string: EF Core opens its own connections.</summary>
    DbContextOptionsBuilder<ShopContext> UseProvider(DbContextOptionsBuilder<ShopContext> builder);

    /// <summary>A plain provider connection to the test's database.</summary>
    System.Data.Common.DbConnection CreateConnection();

    /// <summary>
    /// Chooses the provider for a context with no schema of its own (EF Core's pool wants one constructor): its tables
    /// are found in the test's schema (PostgreSQL's search path).
    /// </summary>
    DbContextOptionsBuilder UseProviderFindingTheTestsTables(DbContextOptionsBuilder builder);
}

/// <summary>SQLite: a named in-memory database shared by the test's connections, kept alive by one open connection.</summary>
public sealed class SqliteEngine : IEfEngine
{
    private readonly string _connectionString = $"Data Source=file:ef{Guid.NewGuid():N}?mode=memory&cache=shared";
    private readonly SqliteConnection _keepAlive;

    public SqliteEngine()
    {
        _keepAlive = new SqliteConnection(_connectionString);
        _keepAlive.Open();
    }

    public string? SkipReason => null;

    public string SystemName => "sqlite";

    public string? ProviderSource => null;

    public string? Schema => null;

    public DbContextOptionsBuilder<ShopContext> UseProvider(DbContextOptionsBuilder<ShopContext> builder) => builder.UseSqlite(_connectionString);

    public System.Data.Common.DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    public DbContextOptionsBuilder UseProviderFindingTheTestsTables(DbContextOptionsBuilder builder) => builder.UseSqlite(_connectionString);

    public void Dispose() => _keepAlive.Dispose();
}

/// <summary>PostgreSQL at <c>AOPSQL_POSTGRES</c> (set by <c>.ci/run</c>), in a schema dropped when the test ends.</summary>
public sealed class PostgresEngine : IEfEngine
{
    private static readonly string? ConnectionString = Environment.GetEnvironmentVariable("AOPSQL_POSTGRES") is { Length: > 0 } value ? value : null;

    public string? SkipReason => ConnectionString is null
        ? "PostgreSQL is not configured: set AOPSQL_POSTGRES to an Npgsql connection string (bash .ci/run does)."
        : null;

    public string SystemName => "postgresql";

    public string? ProviderSource => "Npgsql";

    public string? Schema { get; } = "ef_" + Guid.NewGuid().ToString("N")[..12];

    public DbContextOptionsBuilder<ShopContext> UseProvider(DbContextOptionsBuilder<ShopContext> builder) => builder.UseNpgsql(ConnectionString);

    public System.Data.Common.DbConnection CreateConnection() => new NpgsqlConnection(ConnectionString);

    public DbContextOptionsBuilder UseProviderFindingTheTestsTables(DbContextOptionsBuilder builder)
        => builder.UseNpgsql(new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = Schema }.ConnectionString);

    public void Dispose()
    {
        if (ConnectionString is null)
        {
            return;
        }

        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", connection);
        drop.ExecuteNonQuery();
    }
}
