using System.Data.Common;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;
using Dapper;

namespace AopSqlTracing.Tests.Repositories;

/// <summary>
/// Sequences a traced repository returns: a lazy <see cref="IEnumerable{T}"/> keeps its span open while its SQL runs
/// during the enumeration, a collection is handed back as it is, and an enumeration the application abandons ends
/// its span with the repository's lifetime scope.
/// </summary>
public abstract class SequenceSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableFact]
    public void LazyIterator_TraceAllOff_SqlRunWhileEnumeratingIsUnderTheCallSpan()
    {
        using var scope = Repositories().BeginLifetimeScope();
        var numbers = scope.Resolve<INumbers>();

        var sequence = numbers.Lazy(3);
        Assert.Empty(Recorder.CallSpans);
        var items = sequence.ToList();

        Assert.Equal([1L, 2L, 3L], items);
        var call = Assert.Single(Recorder.CallSpans);
        Assert.Equal("INumbers.Lazy", call.DisplayName);
        Assert.Equal(3, Recorder.Spans.Count);
        Assert.All(Recorder.Spans, sql => Assert.Equal(call.SpanId, sql.ParentSpanId));
    }

    [SkippableFact]
    public void LazyIterator_EnumeratedTwice_EachEnumerationIsASpan()
    {
        using var scope = Repositories().BeginLifetimeScope();
        var sequence = scope.Resolve<INumbers>().Lazy(1);

        Assert.Single(sequence);
        Assert.Single(sequence);

        Assert.Equal(2, Recorder.CallSpans.Count);
        Assert.Equal(Recorder.CallSpans.Select(call => call.SpanId), Recorder.Spans.Select(sql => sql.ParentSpanId));
    }

    [SkippableFact]
    public void ListReturnedAsEnumerable_IsTheListItself_AndTheSpanEndsWithTheCall()
    {
        using var scope = Repositories().BeginLifetimeScope();

        var numbers = scope.Resolve<INumbers>().Eager(2);

        Assert.IsType<List<long>>(numbers);
        Assert.Single(Recorder.CallSpans);
        Assert.Equal(2, Recorder.Spans.Count);
    }

    [SkippableFact]
    public void LazyIterator_AbandonedAfterOneItem_SpanEndsWhenTheScopeEnds()
    {
        var scope = Repositories().BeginLifetimeScope();
        var enumerator = scope.Resolve<INumbers>().Lazy(3).GetEnumerator();
        Assert.True(enumerator.MoveNext());
        Assert.Empty(Recorder.CallSpans);

        scope.Dispose();

        Assert.Single(Recorder.CallSpans);
    }

    [SkippableFact]
    public async Task AsyncStream_AbandonedAfterOneItem_SpanEndsWhenTheScopeEnds()
    {
        var scope = Repositories().BeginLifetimeScope();
        var enumerator = scope.Resolve<INumbers>().Stream(3).GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync());
        Assert.Empty(Recorder.CallSpans);

        await scope.DisposeAsync();

        var call = Assert.Single(Recorder.CallSpans);
        Assert.Equal("INumbers.Stream", call.DisplayName);
        Assert.Equal(call.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public async Task AsyncStream_FinishedBeforeTheScopeEnds_EndsOnce()
    {
        var scope = Repositories().BeginLifetimeScope();

        var count = 0;
        await foreach (var _ in scope.Resolve<INumbers>().Stream(2))
        {
            count++;
        }

        await scope.DisposeAsync();

        Assert.Equal(2, count);
        Assert.Single(Recorder.CallSpans);
    }

    private IContainer Repositories()
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection(), o => o.TraceAllCommands = false).InstancePerLifetimeScope();
        builder.RegisterType<Numbers>().As<INumbers>().InstancePerLifetimeScope();
        var container = builder.Build();
        Track(container);
        return container;
    }
}

/// <summary>Numbers read one query at a time, as lazy, eager and async sequences.</summary>
[Traced]
public interface INumbers
{
    IEnumerable<long> Lazy(int count);

    IEnumerable<long> Eager(int count);

    IAsyncEnumerable<long> Stream(int count);
}

public sealed class Numbers(DbConnection connection) : INumbers
{
    public IEnumerable<long> Lazy(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            yield return Read(i);
        }
    }

    public IEnumerable<long> Eager(int count) => Lazy(count).ToList();

    public async IAsyncEnumerable<long> Stream(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await Task.Yield();
            yield return Read(i);
        }
    }

    private long Read(int value)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            connection.Open();
        }

        return connection.ExecuteScalar<long>("SELECT @value", new { value = (long)value });
    }
}

public sealed class SqliteSequences : SequenceSuite<SqliteProvider>;

public sealed class PostgresSequences : SequenceSuite<PostgresProvider>;

public sealed class MariaDbSequences : SequenceSuite<MariaDbProvider>;
