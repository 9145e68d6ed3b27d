using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.EntityFrameworkCore.Tests.Support;
using Autofac;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace AopSqlTracing.EntityFrameworkCore.Tests;

/// <summary>
/// Where EF Core's path could differ from a traced connection's: pooled contexts, abandoned queries, a SaveChanges
/// with nothing to save, commands another interceptor answers, the order of marks on both paths, UseSqlTracing
/// called twice, and marks meant to last a whole scope.
/// </summary>
public abstract partial class EntityFrameworkSuite<TEngine>
{
    [SkippableFact]
    public void PooledContext_RentedAgain_HasNoMarkOfItsEarlierRenter()
    {
        Skip.If(Engine.SkipReason is not null, Engine.SkipReason);
        Seed();
        using var container = new ContainerBuilder().Build();
        var options = Engine.UseProviderFindingTheTestsTables(new DbContextOptionsBuilder<PooledShop>()).UseSqlTracing(container, o => o.TraceAllCommands = false);
        var pool = new PooledDbContextFactory<PooledShop>((DbContextOptions<PooledShop>)options.Options);
        using var earlier = Recorder.StartParent("earlier request");

        var first = pool.CreateDbContext();
        first.SetParentSpan(earlier);
        first.Dispose();
        using var second = pool.CreateDbContext();

        Assert.Same(first, second);
        Assert.False(second.GetTraced());
        Assert.Equal(3, second.Products.Count());
        Assert.Empty(Recorder.Spans);
    }

    [SkippableFact]
    public async Task AbandonedQuery_ContextDisposed_ItsSpanEnds()
    {
        var shop = Shop();
        var enumerator = shop.Products.OrderBy(p => p.Id).AsAsyncEnumerable().GetAsyncEnumerator();

        Assert.True(await enumerator.MoveNextAsync());
        await shop.DisposeAsync();

        Assert.Equal(1L, Assert.Single(Recorder.Spans).GetTagItem("db.response.returned_rows"));
    }

    [SkippableFact]
    public void SaveChanges_NothingToSave_KeepsTheContextsAndTheScopesMarks()
    {
        Skip.If(Engine.SkipReason is not null, Engine.SkipReason);
        Seed();
        using var container = ScopedShopContainer();
        using var scope = container.BeginLifetimeScope();
        using var job = Recorder.StartParent("job");
        scope.SetParentSpan(job);
        var shop = scope.Resolve<ShopContext>();
        shop.SetParentSpan(job);

        Assert.Equal(0, shop.SaveChanges());

        Assert.True(shop.GetTraced());
        Assert.True(scope.GetTraced());
        Assert.Equal(3, shop.Products.Count());
        Assert.Equal(job.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public void CommandAnsweredByAnEarlierInterceptor_NoSpanAndNoMeasurement()
    {
        Skip.If(Engine.SkipReason is not null, Engine.SkipReason);
        Seed();
        using var container = new ContainerBuilder().Build();
        var measured = 0;
        using var meter = new System.Diagnostics.Metrics.MeterListener();
        meter.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SqlTracing.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        // Meter listeners are global: only this engine's measurements count (the other engine's suite runs beside this one).
        meter.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "db.system.name" && Equals(tag.Value, Engine.SystemName))
                {
                    Interlocked.Increment(ref measured);
                }
            }
        });
        meter.Start();
        var options = Engine.UseProvider(new DbContextOptionsBuilder<ShopContext>()).AddInterceptors(new AnswersScalars(42)).UseSqlTracing(container).Options;
        using var shop = new ShopContext(options, Engine.Schema);

        Assert.Equal(42, shop.Products.Count());

        Assert.DoesNotContain(Recorder.StartedSpans, span => span.Kind == ActivityKind.Client);
        Assert.Equal(0, Volatile.Read(ref measured));
    }

    [SkippableFact]
    public void TracedConnection_RepositoryMarkOutranksTheContextsMark_AndThePolicyHearsOfTheContext()
    {
        Skip.If(Engine.SkipReason is not null, Engine.SkipReason);
        Seed();
        var contexts = new List<object?>();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Engine.CreateConnection(), o => o.TraceAllCommands = false).InstancePerLifetimeScope();
        builder.Register(c =>
            {
                var options = new DbContextOptionsBuilder<ShopContext>();
                var connection = c.Resolve<DbConnection>();
                _ = Engine.Schema is null ? options.UseSqlite(connection) : options.UseNpgsql(connection);
                return new ShopContext(options.UseSqlTracing(c.Resolve<ILifetimeScope>(), o => o.TraceAllCommands = false).Options, Engine.Schema);
            })
            .InstancePerLifetimeScope();
        builder.RegisterType<Catalog>().As<ICatalog>().InstancePerLifetimeScope();
        builder.RegisterInstance<IParentSpanPolicy>(new ContextRecordingPolicy(contexts));
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();
        using var checkout = Recorder.StartParent("checkout");
        var shop = scope.Resolve<ShopContext>();
        shop.SetParentSpan(checkout);

        Assert.Equal(3, scope.Resolve<ICatalog>().Count());

        var call = Assert.Single(Recorder.CallSpans);
        Assert.Equal(call.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
        Assert.Contains(shop, contexts);
    }

    [SkippableFact]
    public void UseSqlTracing_CalledTwice_OneSpanPerCommand()
    {
        Skip.If(Engine.SkipReason is not null, Engine.SkipReason);
        Seed();
        using var container = new ContainerBuilder().Build();
        Action<DbContextOptionsBuilder> configure = builder => Engine.UseProvider((DbContextOptionsBuilder<ShopContext>)builder).UseSqlTracing(container);
        var options = new DbContextOptionsBuilder<ShopContext>();
        configure(options);
        configure(options);
        using var shop = new ShopContext(options.Options, Engine.Schema);

        Assert.Equal(3, shop.Products.Count());

        Assert.Single(Recorder.Spans);
    }

    [SkippableFact]
    public void ScopeMarkedUntilItEnds_SaveChangesCommits_LaterSqlStillUnderIt()
    {
        Skip.If(Engine.SkipReason is not null, Engine.SkipReason);
        Seed();
        using var container = ScopedShopContainer();
        using var scope = container.BeginLifetimeScope();
        using var request = Recorder.StartParent("request");
        scope.SetParentSpanUntilScopeEnds(request);
        var shop = scope.Resolve<ShopContext>();

        shop.Products.Add(new Product { Name = "figs", Price = 4 });
        Assert.Equal(1, shop.SaveChanges());
        Assert.Equal(4, shop.Products.Count());

        Assert.True(Recorder.Spans.Count >= 2);
        Assert.All(Recorder.Spans, span => Assert.Equal(request.SpanId, span.ParentSpanId));
    }

    [SkippableFact]
    public async Task CancelledCommand_SpanRecordsTheProvidersOwnError()
    {
        Skip.If(Engine.Schema is null, "Cancelling a running statement needs a server (PostgreSQL's pg_sleep); SQLite answers before a token can cancel it.");
        await using var shop = Shop();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => shop.Database.ExecuteSqlRawAsync("SELECT pg_sleep(30)", cancel.Token));

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(error.GetType().FullName, span.GetTagItem("error.type"));
        Assert.Equal("57014", span.GetTagItem("db.response.status_code"));
        var recorded = Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Equal(error.Message, recorded.Tags.Single(tag => tag.Key == "exception.message").Value);
    }

    private IContainer ScopedShopContainer()
    {
        var builder = new ContainerBuilder();
        builder.Register(c => new ShopContext(
                Engine.UseProvider(new DbContextOptionsBuilder<ShopContext>()).UseSqlTracing(c.Resolve<ILifetimeScope>(), o => o.TraceAllCommands = false).Options,
                Engine.Schema))
            .InstancePerLifetimeScope();
        return builder.Build();
    }

    private sealed class ContextRecordingPolicy(List<object?> contexts) : IParentSpanPolicy
    {
        public ParentSpanDecision Decide(in SqlExecution execution)
        {
            lock (contexts)
            {
                contexts.Add(execution.Context);
            }

            return DefaultParentSpanPolicy.Instance.Decide(execution);
        }
    }

    // A second-level cache, in short: it answers one-value queries itself, and the database is never asked.
    private sealed class AnswersScalars(int answer) : DbCommandInterceptor
    {
        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            var table = new System.Data.DataTable();
            table.Columns.Add("value", typeof(int));
            table.Rows.Add(answer);
            return InterceptionResult<DbDataReader>.SuppressWithResult(table.CreateDataReader());
        }
    }
}

/// <summary>The shop as EF Core's context pool wants it: one constructor taking the options, no schema of its own (PostgreSQL finds the test's by its search path).</summary>
public sealed class PooledShop(DbContextOptions<PooledShop> options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<Product>(product =>
        {
            product.ToTable("products");
            product.Property(p => p.Id).HasColumnName("id");
            product.Property(p => p.Name).HasColumnName("name").HasMaxLength(100);
            product.Property(p => p.Price).HasColumnName("price");
        });
}
