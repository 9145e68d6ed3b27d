using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.EntityFrameworkCore.Tests.Support;
using AopSqlTracing.Reliability.Secrets;
using AopSqlTracing.Tests.Support;
using Autofac;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace AopSqlTracing.EntityFrameworkCore.Tests;

/// <summary>
/// EF Core under the library's one path, on each engine: one span per command EF Core sends, named as ADO.NET
/// commands are, the context's marks (the seed's Session) ended by its transaction, and exactly one span per command
/// when EF Core also runs on a traced connection.
/// </summary>
public abstract partial class EntityFrameworkSuite<TEngine> : IDisposable
    where TEngine : IEfEngine, new()
{
    private readonly List<IDisposable> _owned = [];
    private bool _seeded;

    protected EntityFrameworkSuite()
    {
        Engine = new TEngine();
        Recorder = new SpanRecorder();
    }

    protected TEngine Engine { get; }

    protected SpanRecorder Recorder { get; }

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }

        var unfinished = Recorder.StartedSpans.Where(span => !span.IsStopped).Select(span => span.DisplayName).ToList();
        Recorder.Dispose();
        Engine.Dispose();
        Assert.True(unfinished.Count == 0, $"Spans left unfinished: {string.Join(", ", unfinished)}");
        GC.SuppressFinalize(this);
    }

    [SkippableFact]
    public void LinqQuery_OneClientSpanNamedLikeAnAdoNetCommand()
    {
        using var shop = Shop();

        var cheap = shop.Products.Where(p => p.Price < 5).OrderBy(p => p.Id).Select(p => p.Name).ToList();

        Assert.Equal(["apple", "bread"], cheap);
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("SELECT", OperationOf(span));
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(Engine.SystemName, span.GetTagItem("db.system.name"));
        Assert.Equal(Table("products"), span.GetTagItem("db.collection.name"));
        Assert.Equal(Recorder.Root.SpanId, span.ParentSpanId);
        Assert.Equal(2L, span.GetTagItem("db.response.returned_rows"));
    }

    [SkippableFact]
    public async Task FindAndToListAsync_EachOneSpan()
    {
        await using var shop = Shop();

        Assert.Equal("apple", shop.Products.Find(1)?.Name);
        Assert.Equal(3, (await shop.Products.ToListAsync()).Count);

        Assert.Equal(["SELECT", "SELECT"], Recorder.Spans.Select(OperationOf));
    }

    [SkippableFact]
    public async Task AsAsyncEnumerable_SpanLastsUntilTheEnumerationEnds()
    {
        await using var shop = Shop();

        var names = new List<string>();
        await foreach (var product in shop.Products.OrderBy(p => p.Id).AsAsyncEnumerable())
        {
            names.Add(product.Name);
            Assert.Empty(Recorder.Spans);
            Assert.Single(Recorder.StartedSpans);
        }

        Assert.Equal(3, names.Count);
        Assert.Equal(3L, Assert.Single(Recorder.Spans).GetTagItem("db.response.returned_rows"));
    }

    [SkippableFact]
    public void SaveChanges_SeveralNewEntities_EachCommandASpanNamedByItsKind()
    {
        using var shop = Shop();
        shop.Products.AddRange(new Product { Name = "cheese", Price = 7 }, new Product { Name = "dates", Price = 8 }, new Product { Name = "eggs", Price = 3 });

        Assert.Equal(3, shop.SaveChanges());

        Assert.NotEmpty(Recorder.Spans);
        // One INSERT per command on SQLite; PostgreSQL's several in one command are a batch, "BATCH INSERT products".
        Assert.All(Recorder.Spans, span => Assert.Matches("^(BATCH )?INSERT [a-z0-9_.]*products$", span.DisplayName));
        var statements = Recorder.Spans.Sum(span => span.GetTagItem("db.operation.batch.size") is int size ? size : 1);
        Assert.Equal(3, statements);
        Assert.All(
            Recorder.Spans.Where(span => span.GetTagItem("db.operation.batch.size") is not null),
            span => Assert.Equal("BATCH INSERT", span.GetTagItem("db.operation.name")));
    }

    [SkippableFact]
    public async Task ExecuteUpdateAndExecuteDelete_AreUpdateAndDeleteSpans()
    {
        await using var shop = Shop();

        Assert.Equal(2, await shop.Products.Where(p => p.Price < 5).ExecuteUpdateAsync(set => set.SetProperty(p => p.Price, p => p.Price + 1)));
        Assert.Equal(1, shop.Products.Where(p => p.Name == "bread").ExecuteDelete());

        Assert.Equal(["UPDATE", "DELETE"], Recorder.Spans.Select(OperationOf));
        Assert.All(Recorder.Spans, span => Assert.Equal(Table("products"), span.GetTagItem("db.collection.name")));
    }

    [SkippableFact]
    public void RawSql_FromSqlAndExecuteSql_AreSanitisedSpans()
    {
        using var shop = Shop();
        var table = Table("products");

        var named = shop.Products.FromSqlRaw($"SELECT * FROM {table} WHERE name = 'apple'").ToList();
        var changed = shop.Database.ExecuteSqlRaw($"UPDATE {table} SET price = 9 WHERE name = 'secret-name'");

        Assert.Single(named);
        Assert.Equal(0, changed);
        Assert.Equal(["SELECT", "UPDATE"], Recorder.Spans.Select(OperationOf));
        Assert.All(Recorder.Spans, span => Assert.DoesNotContain("'", (string)span.GetTagItem("db.query.text")!, StringComparison.Ordinal));
    }

    [SkippableFact]
    public void ContextMark_ParentsItsStatements_UntilSaveChangesEndsIt()
    {
        using var shop = Shop(o => o.TraceAllCommands = false);
        using var parent = Recorder.StartParent("checkout");

        shop.SetParentSpan(parent);
        Assert.True(shop.HasParentSpan());
        var apple = shop.Products.Single(p => p.Name == "apple");
        apple.Price = 2;
        shop.SaveChanges();
        shop.Products.Count();

        Assert.False(shop.GetTraced());
        Assert.Equal(["SELECT", "UPDATE"], Recorder.Spans.Select(OperationOf));
        Assert.All(Recorder.Spans, span => Assert.Equal(parent.SpanId, span.ParentSpanId));
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void ContextMark_ExplicitTransaction_SavepointKeepsItAndCommitOrRollbackEndsIt(bool commit)
    {
        using var shop = Shop(o => o.TraceAllCommands = false);
        using var parent = Recorder.StartParent("unit of work");
        shop.SetParentSpan(parent);

        using (var transaction = shop.Database.BeginTransaction())
        {
            shop.Products.Add(new Product { Name = "figs", Price = 4 });
            shop.SaveChanges();
            transaction.CreateSavepoint("before_more");
            transaction.RollbackToSavepoint("before_more");
            Assert.True(shop.GetTraced());
            shop.Products.Count();
            if (commit)
            {
                transaction.Commit();
            }
            else
            {
                transaction.Rollback();
            }
        }

        Assert.False(shop.GetTraced());
        shop.Products.Count();
        Assert.Equal(["INSERT", "SELECT"], Recorder.Spans.Select(OperationOf));
        Assert.All(Recorder.Spans, span => Assert.Equal(parent.SpanId, span.ParentSpanId));
    }

    [SkippableFact]
    public void TraceAllCommandsOff_OnlyTheMarkedContextIsTraced()
    {
        using var marked = Shop(o => o.TraceAllCommands = false);
        using var unmarked = Shop(o => o.TraceAllCommands = false, seed: false);

        marked.SetTraced();
        marked.Products.Count();
        unmarked.Products.Count();

        Assert.Single(Recorder.Spans);
    }

    [SkippableFact]
    public void UniqueViolation_SaveChanges_SameExceptionAsUntracedAndAnErrorSpan()
    {
        using var shop = Shop();
        shop.Products.Add(new Product { Name = "apple", Price = 1 });

        var thrown = Assert.Throws<DbUpdateException>(() => shop.SaveChanges());

        Assert.IsAssignableFrom<DbException>(thrown.InnerException);
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(thrown.InnerException!.GetType().FullName, span.GetTagItem("error.type"));
    }

    [SkippableFact]
    public void ScopeMark_ContextResolvedInAMarkedScope_IsItsParent()
    {
        Skip.If(Engine.SkipReason is not null, Engine.SkipReason);
        Seed();
        var builder = new ContainerBuilder();
        builder.Register(c => new ShopContext(
                Engine.UseProvider(new DbContextOptionsBuilder<ShopContext>()).UseSqlTracing(c.Resolve<ILifetimeScope>(), o => o.TraceAllCommands = false).Options,
                Engine.Schema))
            .InstancePerLifetimeScope();
        using var container = builder.Build();
        using var parent = Recorder.StartParent("job");
        using var scope = container.BeginLifetimeScope();
        scope.SetParentSpan(parent);

        scope.Resolve<ShopContext>().Products.Count();

        Assert.Equal(parent.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public void TracedConnectionUnderUseSqlTracing_ExactlyOneSpanPerCommand_AndTheContextMarkStillParents()
    {
        Skip.If(Engine.SkipReason is not null, Engine.SkipReason);
        Seed();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Engine.CreateConnection(), o => o.TraceAllCommands = false).InstancePerLifetimeScope();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();
        var traced = scope.Resolve<DbConnection>();
        var options = new DbContextOptionsBuilder<ShopContext>();
        _ = Engine.SystemName == "sqlite" ? options.UseSqlite(traced) : options.UseNpgsql(traced);
        using var shop = new ShopContext(options.UseSqlTracing(scope).Options, Engine.Schema);
        using var parent = Recorder.StartParent("checkout");

        shop.SetParentSpan(parent);
        shop.Products.Count();

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(parent.SpanId, span.ParentSpanId);
    }

    [SkippableFact]
    public void SecretsCorpus_ThroughRawSql_NothingOfAnySecretInAnySpan()
    {
        using var shop = Shop();
        shop.Database.OpenConnection(); // the corpus's table is TEMP: one connection for the whole test
        shop.Database.ExecuteSqlRaw(SecretCorpus.CreateTable);
        Recorder.Clear();
        var corpus = SecretCorpus.Portable();

        foreach (var (sql, _, _) in corpus)
        {
            shop.Database.ExecuteSqlRaw(sql.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
        }

        var leaks = ExportedData.Leaks(Recorder.Spans, SecretCorpus.Secrets, out var values);
        Assert.Equal(corpus.Count, Recorder.Spans.Count);
        Assert.True(values > corpus.Count);
        Assert.True(leaks.Count == 0, $"{leaks.Count} leaks, first: {leaks.FirstOrDefault()}");
    }

    [SkippableFact]
    public void Repository_TracedOverADbContext_ParentsTheContextsSql()
    {
        Skip.If(Engine.SkipReason is not null, Engine.SkipReason);
        Seed();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Engine.CreateConnection(), o => o.TraceAllCommands = false).InstancePerLifetimeScope();
        builder.Register(c => new ShopContext(
                Engine.UseProvider(new DbContextOptionsBuilder<ShopContext>()).UseSqlTracing(c.Resolve<ILifetimeScope>(), o => o.TraceAllCommands = false).Options,
                Engine.Schema))
            .InstancePerLifetimeScope();
        builder.RegisterType<Catalog>().As<ICatalog>().InstancePerLifetimeScope();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();

        Assert.Equal(3, scope.Resolve<ICatalog>().Count());

        var call = Assert.Single(Recorder.CallSpans);
        Assert.Equal(call.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public void Metrics_EachCommandMeasured_WithTheSpansDuration()
    {
        using var shop = Shop();
        var durations = new List<(double Value, string? Collection)>();
        using var meters = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SqlTracing.MeterName && instrument.Name == "db.client.operation.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "db.collection.name" && Equals(tag.Value, Table("products")))
                {
                    lock (durations)
                    {
                        durations.Add((value, tag.Value as string));
                    }
                }
            }
        });
        meters.Start();

        shop.Products.Where(p => p.Name == "apple").ToList();

        // Other tests query products too (in parallel, on SQLite's table of the same name): this one's is the span's.
        var span = Assert.Single(Recorder.Spans);
        lock (durations)
        {
            Assert.Contains(span.Duration.TotalSeconds, durations.Select(duration => duration.Value));
        }
    }

    [SkippableFact]
    public async Task ProviderSpansListenedTo_TheProvidersCommandSpanIsAChildOfOurs()
    {
        Skip.IfNot(Engine.ProviderSource is not null, $"{Engine.SystemName}'s provider starts no spans of its own.");
        await using var shop = Shop();
        var theirs = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Engine.ProviderSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == Recorder.Root.TraceId && !activity.OperationName.StartsWith("CONNECT", StringComparison.Ordinal))
                {
                    lock (theirs)
                    {
                        theirs.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var caller = Activity.Current;

        shop.Products.Count();
        await shop.Products.Where(p => p.Price > 2).ToListAsync();

        Assert.Same(caller, Activity.Current);
        Assert.Equal(2, Recorder.Spans.Count);
        lock (theirs)
        {
            Assert.Equal(Recorder.Spans.Select(span => span.SpanId), theirs.OrderBy(span => span.StartTimeUtc).Select(span => span.ParentSpanId));
        }
    }

    private ShopContext Shop(Action<SqlTracingOptions>? configure = null, bool seed = true)
    {
        Skip.If(Engine.SkipReason is not null, Engine.SkipReason);
        if (seed)
        {
            Seed();
        }

        var container = new ContainerBuilder().Build();
        _owned.Add(container);
        var options = Engine.UseProvider(new DbContextOptionsBuilder<ShopContext>()).UseSqlTracing(container, configure).Options;
        return new ShopContext(options, Engine.Schema);
    }

    // The schema and three products, through an untraced context.
    private void Seed()
    {
        using var plain = new ShopContext(Engine.UseProvider(new DbContextOptionsBuilder<ShopContext>()).Options, Engine.Schema);

        // The test's own schema (or in-memory database), created once: EnsureCreated would skip it whenever another
        // test process has tables in the same PostgreSQL database.
        if (!_seeded)
        {
            _seeded = true;
            plain.GetService<IRelationalDatabaseCreator>().CreateTables();
            plain.Products.AddRange(
                new Product { Name = "apple", Price = 1 },
                new Product { Name = "bread", Price = 3 },
                new Product { Name = "coffee", Price = 12 });
            plain.SaveChanges();
        }

        Recorder.Clear();
    }

    private string Table(string name) => Engine.Schema is { } schema ? $"{schema}.{name}" : name;

    // Spans are named by the query summary, "SELECT products"; on PostgreSQL the table carries the test's schema.
    private static string OperationOf(Activity span)
    {
        Assert.EndsWith("products", span.DisplayName, StringComparison.Ordinal);
        return span.DisplayName.Split(' ')[0];
    }
}

/// <summary>A repository over a DbContext, opted into tracing.</summary>
[Traced]
public interface ICatalog
{
    int Count();
}

public sealed class Catalog(ShopContext shop) : ICatalog
{
    public int Count() => shop.Products.Count();
}

public sealed class SqliteEntityFramework : EntityFrameworkSuite<SqliteEngine>;

public sealed class PostgresEntityFramework : EntityFrameworkSuite<PostgresEngine>;
