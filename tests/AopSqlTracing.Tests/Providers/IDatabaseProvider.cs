using System.Data.Common;

namespace AopSqlTracing.Tests.Providers;

/// <summary>One database engine the behaviour suites run on.</summary>
public interface IDatabaseProvider
{
    /// <summary>Gets why the engine cannot be used here, or null when it can.</summary>
    string? SkipReason { get; }

    /// <summary>Gets the <c>db.system.name</c> its spans must carry.</summary>
    string SystemName { get; }

    /// <summary>Gets the column type of an auto-numbered primary key.</summary>
    string IdentityColumn { get; }

    /// <summary>Makes a new, closed provider connection.</summary>
    DbConnection CreateConnection();
}
