using AopSqlTracing.Engines;
using AopSqlTracing.Statements;

namespace AopSqlTracing.Tests.Statements;

/// <summary>The dialect of an engine named by its <c>db.system.name</c>, as the library's engine values give it.</summary>
internal static class SqlDialects
{
    private static readonly DbEngine[] Engines =
        [DbEngine.Sqlite, DbEngine.PostgreSql, DbEngine.MySql, DbEngine.MariaDb, DbEngine.SqlServer, DbEngine.Oracle, DbEngine.Other];

    public static SqlDialect Of(string systemName)
        => Engines.FirstOrDefault(engine => engine.SystemName == systemName)?.Dialect ?? SqlDialect.Generic;
}
