using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Dapper;

namespace AopSqlTracing.Tests.Proxies;

/// <summary>What SQLite does differently: no batches, and Dapper's list expansion.</summary>
public sealed class SqliteOnlyFixture : ProviderFixture<SqliteProvider>
{
    // Microsoft.Data.Sqlite has no DbBatch: the traced connection says so exactly as the provider does.
    [SkippableFact]
    public void CreateBatch_IsNotSupported_AsWithoutTracing()
    {
        using var raw = OpenRaw();
        using var connection = Open();

        Assert.False(raw.CanCreateBatch);
        Assert.False(connection.CanCreateBatch);
        Assert.Throws<NotSupportedException>(() => raw.CreateBatch());
        Assert.Throws<NotSupportedException>(() => connection.CreateBatch());
    }

    [SkippableFact]
    public void DapperListParameter_IsExpanded_AsThroughARawConnection()
    {
        using var connection = Open();
        CreateUsers(connection);

        var names = connection.Query<string>("SELECT name FROM users WHERE id IN @ids ORDER BY id", new { ids = new[] { 1, 3 } }).ToList();

        Assert.Equal(["Ada", "Barbara"], names);
        Assert.Equal("SELECT name FROM users WHERE id IN (@ids1,@ids2) ORDER BY id", Assert.Single(Recorder.Spans).GetTagItem("db.query.text"));
    }
}
