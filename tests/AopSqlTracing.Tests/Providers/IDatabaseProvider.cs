using System.Data.Common;

namespace AopSqlTracing.Tests.Providers;

/// <summary>One database engine the behaviour suites run on, and the facts in which engines honestly differ.</summary>
public interface IDatabaseProvider
{
    /// <summary>Gets why the engine cannot be used here, or null when it can.</summary>
    string? SkipReason { get; }

    /// <summary>Gets the <c>db.system.name</c> its spans must carry.</summary>
    string SystemName { get; }

    /// <summary>Gets the <c>db.namespace</c> its spans must carry: the name the engine gives the connection's database.</summary>
    string DatabaseName { get; }

    /// <summary>Gets the column type of an auto-numbered primary key.</summary>
    string IdentityColumn { get; }

    /// <summary>
    /// Gets whether an error inside a transaction aborts it, so that its later statements fail until it rolls back
    /// (PostgreSQL), rather than leaving it usable (SQLite).
    /// </summary>
    bool ErrorAbortsTransaction { get; }

    /// <summary>Gets the part of the engine's error message that says <paramref name="table"/> does not exist.</summary>
    string MissingTableMessage(string table);

    /// <summary>Gets a SELECT that the server accepts in a script but that fails when its turn comes.</summary>
    string FailingSelect { get; }

    /// <summary>
    /// Gets the <c>db.response.status_code</c> the engine's conventions give <paramref name="error"/>: SQLite's error
    /// number, PostgreSQL's SQLSTATE, MariaDB's error number.
    /// </summary>
    string StatusCode(DbException exception);

    /// <summary>
    /// Gets a condition that <paramref name="column"/> is one of the items of the list Dapper binds to
    /// <paramref name="listParameter"/>: <c>IN @ids</c> where Dapper expands the list, <c>= ANY(@ids)</c> where it sends
    /// an array (Npgsql).
    /// </summary>
    string MatchesAny(string column, string listParameter);

    /// <summary>Makes the engine's data source (.NET 7+): Npgsql's own, or the framework's over SQLite's factory.</summary>
    DbDataSource CreateDataSource();

    /// <summary>Makes a new, closed provider connection.</summary>
    DbConnection CreateConnection();
}
