using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AopSqlTracing.AspNetCore.Tests.Support;

/// <summary>
/// A health check written the plain way: one query on the <see cref="DbDataSource"/> the container hands out (the
/// traced one, under <c>TraceAllDatabases()</c>).
/// </summary>
/// <param name="dataSource">The injected data source.</param>
/// <param name="query">The query to run; healthy when it answers.</param>
public sealed class DataSourceHealthCheck(DbDataSource dataSource, string query) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(query);
        await command.ExecuteScalarAsync(cancellationToken);
        return HealthCheckResult.Healthy();
    }
}
