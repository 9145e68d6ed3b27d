using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Repositories;

/// <summary>[Traced] repositories: a span per call, parent of the SQL inside, for every kind of return type.</summary>
public abstract class RepositorySuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableFact]
    public void TracedCall_IsTheParentOfItsSql_EvenWithTraceAllCommandsOff()
    {
        using var scope = Scope(out var users);

        users.Add("Ada");
        var count = users.Count();

        Assert.Equal(1, count);
        var calls = RepositorySpans();
        Assert.Equal(["IUserRepository.Add", "IUserRepository.Count"], calls.Select(c => c.DisplayName));
        Assert.All(calls, call => Assert.Equal(ActivityKind.Internal, call.Kind));
        Assert.All(calls, call => Assert.Equal(Recorder.Root.SpanId, call.ParentSpanId));
        Assert.Equal(["INSERT users", "SELECT users"], Recorder.Spans.Select(s => s.DisplayName));
        Assert.Equal(calls.Select(c => c.SpanId), Recorder.Spans.Select(s => s.ParentSpanId));
    }

    [SkippableFact]
    public async Task TaskAndValueTaskMethods_SpanEndsWhenTheWorkEnds()
    {
        using var scope = Scope(out var users);

        await users.AddAsync("Ada");
        await users.AddAsync("Grace");
        var names = await users.NamesAsync();
        var count = await users.CountValueAsync();
        await users.TouchAsync();

        Assert.Equal(["Ada", "Grace"], names);
        Assert.Equal(2, count);
        var calls = RepositorySpans();
        Assert.Equal(
            ["IUserRepository.AddAsync", "IUserRepository.AddAsync", "IUserRepository.NamesAsync", "IUserRepository.CountValueAsync", "IUserRepository.TouchAsync"],
            calls.Select(c => c.DisplayName));
        Assert.All(calls, call => Assert.True(call.IsStopped));
        Assert.Equal(calls.Select(c => c.SpanId), Recorder.Spans.Select(s => s.ParentSpanId));
        Assert.All(Recorder.Spans.Zip(calls), pair => Assert.True(pair.First.StartTimeUtc + pair.First.Duration <= pair.Second.StartTimeUtc + pair.Second.Duration));
    }

    [SkippableFact]
    public async Task AsyncStream_SpanCoversTheEnumeration_AndParentsItsSql()
    {
        using var scope = Scope(out var users);
        users.Add("Ada");
        users.Add("Grace");
        Recorder.Clear();

        var stream = users.StreamNames();
        Assert.Empty(RepositorySpans());
        var names = await stream.ToListAsync();

        Assert.Equal(["Ada", "Grace"], names);
        var call = Assert.Single(RepositorySpans());
        Assert.Equal("IUserRepository.StreamNames", call.DisplayName);
        Assert.True(call.IsStopped);
        Assert.Equal(3, Recorder.Spans.Count);
        Assert.All(Recorder.Spans, sql => Assert.Equal(call.SpanId, sql.ParentSpanId));
    }

    [SkippableFact]
    public async Task AsyncStream_DisposedEarly_EndsTheSpan()
    {
        using var scope = Scope(out var users);
        users.Add("Ada");
        users.Add("Grace");
        Recorder.Clear();

        await foreach (var name in users.StreamNames())
        {
            Assert.Equal("Ada", name);
            break;
        }

        Assert.True(Assert.Single(RepositorySpans()).IsStopped);
    }

    [SkippableFact]
    public async Task FailingCalls_AreErrorSpans_AndTheExceptionReachesTheCaller()
    {
        using var scope = Scope(out var users);

        var syncError = Assert.ThrowsAny<DbException>(users.Fail);
        var asyncError = await Assert.ThrowsAnyAsync<DbException>(users.FailAsync);

        Assert.Equal(syncError.GetType(), asyncError.GetType());
        var calls = RepositorySpans();
        Assert.Equal(["IUserRepository.Fail", "IUserRepository.FailAsync"], calls.Select(c => c.DisplayName));
        Assert.All(calls, call => Assert.Equal(ActivityStatusCode.Error, call.Status));
        Assert.All(Recorder.Spans, sql => Assert.Equal(ActivityStatusCode.Error, sql.Status));
    }

    [SkippableFact]
    public void PartlyAttributedInterface_TracesOnlyMarkedMethods_UnderTheirName()
    {
        using var scope = Scope(out _);
        var reports = scope.Resolve<IReportRepository>();

        reports.CountTraced();
        reports.CountUntraced();

        Assert.Equal(["reports.count"], RepositorySpans().Select(c => c.DisplayName));
        Assert.Single(Recorder.Spans);
    }

    [SkippableFact]
    public void EnableSqlTracing_TracesAnInterfaceNobodyAnnotated()
    {
        using var scope = Scope(out _);

        scope.Resolve<IPlainRepository>().Count();

        Assert.Equal(["IPlainRepository.Count"], RepositorySpans().Select(c => c.DisplayName));
        Assert.Single(Recorder.Spans);
    }

    [SkippableFact]
    public async Task NestedRepositories_NestTheirSpans()
    {
        using var scope = Scope(out _);

        await scope.Resolve<IReportService>().CountAsync();

        var calls = RepositorySpans();
        Assert.Equal(["IReportService.CountAsync", "IUserRepository.CountValueAsync"], calls.Select(c => c.DisplayName));
        Assert.Equal(calls[0].SpanId, calls[1].ParentSpanId);
        Assert.Equal(calls[1].SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public void InAMarkedScope_TheCallSitsUnderTheScopeParent_AndItsSqlUnderTheCall()
    {
        using var scope = Scope(out var users);
        using var request = Recorder.StartParent("request");

        scope.SetParentSpan(request);
        users.Count();

        var call = Assert.Single(RepositorySpans());
        Assert.Equal(request.SpanId, call.ParentSpanId);
        Assert.Equal(call.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public async Task EightConcurrentScopes_EachSqlSpanSitsUnderItsOwnScopeParent()
    {
        var container = Build();
        var requests = Enumerable.Range(0, 8).Select(i => Recorder.StartParent($"request {i}")).ToArray();

        await Task.WhenAll(requests.Select(request => Task.Run(async () =>
        {
            using var scope = container.BeginLifetimeScope();
            var connection = scope.Resolve<DbConnection>();
            await connection.OpenAsync();
            UserRepository.CreateSchema(connection, Provider.IdentityColumn);
            scope.SetParentSpan(request);
            var users = scope.Resolve<IUserRepository>();
            for (var i = 0; i < 5; i++)
            {
                await users.AddAsync($"{request.DisplayName} user {i}");
                await users.CountValueAsync();
            }
        })));

        var calls = RepositorySpans();
        Assert.Equal(8 * 10, calls.Count);
        Assert.Equal(8 * 10, Recorder.Spans.Count);
        foreach (var request in requests)
        {
            var own = calls.Where(call => call.ParentSpanId == request.SpanId).Select(call => call.SpanId).ToHashSet();
            Assert.Equal(10, own.Count);
            Assert.Equal(10, Recorder.Spans.Count(sql => own.Contains(sql.ParentSpanId)));
        }

        // Each call has exactly its own statement under it: an insert under AddAsync, a select under CountValueAsync.
        var sqlByParent = Recorder.Spans.ToLookup(sql => sql.ParentSpanId);
        Assert.All(calls, call => Assert.Equal(
            call.DisplayName.EndsWith("AddAsync", StringComparison.Ordinal) ? "INSERT users" : "SELECT users",
            Assert.Single(sqlByParent[call.SpanId]).DisplayName));

        foreach (var request in requests)
        {
            request.Dispose();
        }
    }

    [SkippableFact]
    public void RepositoryExposedAsAClass_IsLeftUntraced_AndStillWorks()
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection(), o => o.TraceAllCommands = false).InstancePerLifetimeScope();
        builder.RegisterType<UserRepository>().AsSelf().As<IUserRepository>().InstancePerLifetimeScope();
        var container = builder.Build();
        Track(container);
        using var scope = container.BeginLifetimeScope();
        UserRepository.CreateSchema(scope.OpenConnection(), Provider.IdentityColumn);

        var users = scope.Resolve<IUserRepository>();
        users.Add("Ada");

        Assert.IsType<UserRepository>(users);
        Assert.Equal(1, scope.Resolve<UserRepository>().Count());
        Assert.Empty(Recorder.StartedSpans);
    }

    [SkippableFact]
    public void TracedRepository_ThatIsDisposable_IsStillDisposedWithItsScope()
    {
        var created = new List<DisposableRepository>();
        var container = Build(builder => builder.Register(_ =>
        {
            var repository = new DisposableRepository();
            created.Add(repository);
            return repository;
        }).As<IDisposableRepository>().InstancePerLifetimeScope());
        using (var scope = container.BeginLifetimeScope())
        {
            var repository = scope.Resolve<IDisposableRepository>();
            repository.Ping();
            Assert.IsNotType<DisposableRepository>(repository);
        }

        Assert.True(Assert.Single(created).Disposed);
        Assert.Equal("IDisposableRepository.Ping", Assert.Single(Recorder.StartedSpans).DisplayName);
    }

    /// <summary>The repository spans of this test, in start order.</summary>
    protected IReadOnlyList<Activity> RepositorySpans() => Recorder.CallSpans;

    protected IContainer Build(Action<ContainerBuilder>? register = null)
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection(), o => o.TraceAllCommands = false).InstancePerLifetimeScope();
        builder.RegisterType<UserRepository>().As<IUserRepository>().As<IReportRepository>().InstancePerLifetimeScope();
        builder.RegisterType<UserRepository>().As<IPlainRepository>().InstancePerLifetimeScope().EnableSqlTracing();
        builder.RegisterType<ReportService>().As<IReportService>().InstancePerLifetimeScope();
        register?.Invoke(builder);
        var container = builder.Build();
        Track(container);
        return container;
    }

    protected ILifetimeScope Scope(out IUserRepository users, Action<ContainerBuilder>? register = null)
    {
        var scope = Build(register).BeginLifetimeScope();
        var connection = scope.Resolve<DbConnection>();
        connection.Open();
        UserRepository.CreateSchema(connection, Provider.IdentityColumn);
        users = scope.Resolve<IUserRepository>();
        return scope;
    }
}

public sealed class SqliteRepositories : RepositorySuite<SqliteProvider>;

public sealed class PostgresRepositories : RepositorySuite<PostgresProvider>;

public sealed class MariaDbRepositories : RepositorySuite<MariaDbProvider>;
