using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.AspNetCore.Tests.Support;
using Autofac;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.AspNetCore.Tests;

/// <summary>Activity id settings are process-wide: tests that change them run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideActivitySettings
{
    public const string Name = "Process-wide Activity settings";
}

/// <summary>
/// <c>UseSqlTracing()</c> in applications that force hierarchical Activity ids, as older applications do: the
/// request Activity has no W3C context, and tracing must still never throw into the request.
/// </summary>
[Collection(ProcessWideActivitySettings.Name)]
public sealed class HierarchicalIdsFixture
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task HierarchicalRequestActivity_RequestSucceedsAndItsSqlIsTraced(bool requestRecorded)
    {
        var (format, forced) = (Activity.DefaultIdFormat, Activity.ForceDefaultIdFormat);
        Activity.DefaultIdFormat = ActivityIdFormat.Hierarchical;
        Activity.ForceDefaultIdFormat = true;
        var sql = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or SqlTracing.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) => options.Source.Name == SqlTracing.ActivitySourceName || requestRecorded
                ? ActivitySamplingResult.AllDataAndRecorded
                : ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == SqlTracing.ActivitySourceName)
                {
                    sql.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        try
        {
            await using var app = await MiniApp.StartAsync(
                pipeline =>
                {
                    pipeline.UseSqlTracing();
                    pipeline.MapGet("/one", async (DbConnection connection, HttpContext context) =>
                    {
                        await connection.OpenAsync();
                        var command = connection.CreateCommand();
                        command.CommandText = "SELECT 'hierarchical-test' AS marker";
                        return (string)(await command.ExecuteScalarAsync())!;
                    });
                },
                container => container.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:"), o => o.TraceAllCommands = false)
                    .InstancePerLifetimeScope());

            var body = await app.Client.GetStringAsync("/one");

            Assert.Equal("hierarchical-test", body);
            var span = Assert.Single(sql, span => Equals(span.GetTagItem("db.query.text"), "SELECT ? AS marker"));
            Assert.Equal(ActivityIdFormat.Hierarchical, span.IdFormat);
            Assert.StartsWith("|", span.ParentId, StringComparison.Ordinal);
        }
        finally
        {
            Activity.DefaultIdFormat = format;
            Activity.ForceDefaultIdFormat = forced;
        }
    }
}
