using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Execution;

/// <summary>
/// A head sampler decides on the attributes of a SQL span before it exists: the system, operation, table,
/// summary and server are handed to <c>ActivitySource.CreateActivity</c>, so it can keep writes and drop reads.
/// </summary>
[Collection(RunsAloneGroup.Name)]
public abstract class SamplerSuite<TProvider> : IDisposable
    where TProvider : IDatabaseProvider, new()
{
    private readonly TProvider _provider = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, object?>> _seenAtCreation = new();
    private readonly ConcurrentQueue<Activity> _recorded = new();
    private readonly ActivityListener _listener;
    private readonly ActivitySource _testSource = new("AopSqlTracing.Tests.Sampler");
    private readonly Activity _root;

    protected SamplerSuite()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is SqlTracing.ActivitySourceName || source == _testSource,
            Sample = Sample,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == SqlTracing.ActivitySourceName && activity.TraceId == _root?.TraceId)
                {
                    _recorded.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        _root = _testSource.StartActivity("sampler test root")!;
    }

    public void Dispose()
    {
        _root.Stop();
        _listener.Dispose();
        _testSource.Dispose();
        GC.SuppressFinalize(this);
    }

    [SkippableFact]
    public void Sampler_DropsSelects_WritesAreSpansAndReadsAreNot()
    {
        Skip.If(_provider.SkipReason is not null, _provider.SkipReason);
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => _provider.CreateConnection()).InstancePerLifetimeScope();
        using var container = builder.Build();
        using var connection = container.OpenConnection();

        connection.Execute($"CREATE TEMPORARY TABLE users (id {_provider.IdentityColumn}, name VARCHAR(100))");
        connection.Execute("INSERT INTO users (name) VALUES ('Ada')");
        using (var select = connection.Command("SELECT name FROM users"))
        {
            Assert.Equal("Ada", select.ExecuteScalar());
        }

        Assert.Equal(["CREATE TABLE users", "INSERT users"], _recorded.Select(span => span.DisplayName));
        var selectSeen = Assert.Single(_seenAtCreation, tags => Equals(tags.GetValueOrDefault("db.operation.name"), "SELECT"));
        Assert.Equal(_provider.SystemName, selectSeen["db.system.name"]);
        Assert.Equal("users", selectSeen["db.collection.name"]);
        Assert.Equal("SELECT users", selectSeen["db.query.summary"]);
        Assert.Equal(_provider.SystemName != "sqlite", selectSeen.ContainsKey("server.address"));
    }

    [SkippableFact]
    public void Sampler_SeesTheSameTagsTheSpanCarries()
    {
        Skip.If(_provider.SkipReason is not null, _provider.SkipReason);
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => _provider.CreateConnection()).InstancePerLifetimeScope();
        using var container = builder.Build();
        using var connection = container.OpenConnection();

        connection.Execute($"CREATE TEMPORARY TABLE users (id {_provider.IdentityColumn}, name VARCHAR(100))");

        var span = Assert.Single(_recorded);
        var seen = Assert.Single(_seenAtCreation);
        foreach (var (key, value) in seen)
        {
            Assert.Equal(value, span.GetTagItem(key));
        }

        Assert.Equal("CREATE TABLE", seen["db.operation.name"]);
    }

    private ActivitySamplingResult Sample(ref ActivityCreationOptions<ActivityContext> options)
    {
        if (options.Source == _testSource)
        {
            return ActivitySamplingResult.AllDataAndRecorded;
        }

        if (_root is null || options.Parent.TraceId != _root.TraceId)
        {
            return ActivitySamplingResult.None;
        }

        var tags = (options.Tags ?? []).ToDictionary(tag => tag.Key, tag => tag.Value);
        _seenAtCreation.Enqueue(tags);
        return Equals(tags.GetValueOrDefault("db.operation.name"), "SELECT")
            ? ActivitySamplingResult.None
            : ActivitySamplingResult.AllDataAndRecorded;
    }
}

public sealed class SqliteSampler : SamplerSuite<SqliteProvider>;

public sealed class PostgresSampler : SamplerSuite<PostgresProvider>;

public sealed class MariaDbSampler : SamplerSuite<MariaDbProvider>;
