namespace AopSqlTracing.Statements;

/// <summary>Picks the <see cref="SqlDialect"/> of a connection from its <c>db.system.name</c>, so the caller needs no provider types.</summary>
internal static class SqlDialects
{
    /// <summary>
    /// Gets the dialect of an engine: <c>sqlite</c>, <c>postgresql</c> and the MySQL family (<c>mysql</c>,
    /// <c>mariadb</c>) have their own rules, anything else is read as generic SQL.
    /// </summary>
    public static SqlDialect Of(string dbSystemName) => dbSystemName switch
    {
        "sqlite" => SqlDialect.Sqlite,
        "postgresql" => SqlDialect.PostgreSql,
        "mysql" or "mariadb" => SqlDialect.MySql,
        _ => SqlDialect.Generic,
    };
}
