using AopSqlTracing.EntityFrameworkCore.Tests.Support;
using Autofac;
using Autofac.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AopSqlTracing.EntityFrameworkCore.Tests;

/// <summary>
/// Contexts built with the container's root services (pooled, or made by a factory): their SQL follows the marked
/// lifetime scope they are used in, as a scoped context's does.
/// </summary>
public abstract partial class EntityFrameworkSuite<TEngine>
{
    [SkippableTheory]
    [InlineData("AddDbContextPool")]
    [InlineData("AddPooledDbContextFactory")]
    [InlineData("AddDbContextFactory")]
    public async Task SharedContext_UsedInTwoMarkedScopes_FollowsEachScopesMark(string registration)
    {
        Skip.If(Engine.SkipReason is not null, Engine.SkipReason);
        Seed();
        await using var container = SharedContextContainer(registration);

        var parents = new List<System.Diagnostics.ActivitySpanId>();
        foreach (var name in new[] { "first request", "second request" })
        {
            await using var scope = container.BeginLifetimeScope();
            using var request = Recorder.StartParent(name);
            scope.SetParentSpanUntilScopeEnds(request);
            await using var shop = Rent(scope, registration);
            Assert.Equal(3, await shop.Products.CountAsync());
            parents.Add(request.SpanId);
        }

        Assert.Equal(parents, Recorder.Spans.Select(span => span.ParentSpanId));
    }

    [SkippableTheory]
    [InlineData("AddDbContextPool")]
    [InlineData("AddPooledDbContextFactory")]
    [InlineData("AddDbContextFactory")]
    public async Task SharedContext_UsedOutsideAnyMarkedScope_IsNotTraced(string registration)
    {
        Skip.If(Engine.SkipReason is not null, Engine.SkipReason);
        Seed();
        await using var container = SharedContextContainer(registration);
        await using (var marked = container.BeginLifetimeScope())
        {
            using var request = Recorder.StartParent("ended request");
            marked.SetParentSpan(request);
        }

        await using var scope = container.BeginLifetimeScope();
        await using var shop = Rent(scope, registration);

        Assert.Equal(3, await shop.Products.CountAsync());
        Assert.Empty(Recorder.Spans);
    }

    private static PooledShop Rent(ILifetimeScope scope, string registration) => registration == "AddDbContextPool"
        ? scope.Resolve<PooledShop>()
        : scope.Resolve<IDbContextFactory<PooledShop>>().CreateDbContext();

    // As a web app registers it: EF Core's own registration, its options built once from the container's root.
    private IContainer SharedContextContainer(string registration)
    {
        void Configure(IServiceProvider services, DbContextOptionsBuilder options)
            => Engine.UseProviderFindingTheTestsTables(options).UseSqlTracing(services, o => o.TraceAllCommands = false);

        var services = new ServiceCollection();
        _ = registration switch
        {
            "AddDbContextPool" => services.AddDbContextPool<PooledShop>(Configure),
            "AddPooledDbContextFactory" => services.AddPooledDbContextFactory<PooledShop>(Configure),
            _ => services.AddDbContextFactory<PooledShop>(Configure),
        };
        var builder = new ContainerBuilder();
        builder.Populate(services);
        return builder.Build();
    }
}
