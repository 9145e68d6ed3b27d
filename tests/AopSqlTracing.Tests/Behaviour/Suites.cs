using AopSqlTracing.Tests.Providers;

namespace AopSqlTracing.Tests.Behaviour;

// Each behaviour suite, once per engine. PostgreSQL classes skip with a reason when AOPSQL_POSTGRES is not set.
public sealed class SqliteAsync : AsyncSuite<SqliteProvider>;

public sealed class PostgresAsync : AsyncSuite<PostgresProvider>;

public sealed class SqliteReaders : ReaderSuite<SqliteProvider>;

public sealed class PostgresReaders : ReaderSuite<PostgresProvider>;

public sealed class SqliteErrors : ErrorSuite<SqliteProvider>;

public sealed class PostgresErrors : ErrorSuite<PostgresProvider>;

public sealed class SqliteDapper : DapperSuite<SqliteProvider>;

public sealed class PostgresDapper : DapperSuite<PostgresProvider>;
