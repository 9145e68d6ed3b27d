using System.Data.Common;
using System.Diagnostics;
using System.Net;
using AopSqlTracing.AspNetCore.Tests.Support;
using Autofac;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AopSqlTracing.AspNetCore.Tests;

/// <summary>
/// The README's "Recipes", each set up as its snippet shows: <c>AddNpgsqlDataSource</c> under
/// <c>TraceAllDatabases()</c>, health checks, Npgsql's own spans beside ours, a background worker.
/// </summary>
public sealed class RecipesFixture
{
    private const string JobSourceName = "AopSqlTracing.AspNetCore.Tests.Jobs";
    private const string Secret = "hunter2";

    private static readonly ActivitySource JobSource = new(JobSourceName);

    [SkippableTheory]
    [InlineData("/db-data-source", true)]
    [InlineData("/db-connection", true)]
    [InlineData("/npgsql-data-source", false)]
    [InlineData("/npgsql-connection", false)]
    public async Task AddNpgsqlDataSource_TraceAllDatabases_DbTypesInjectedAreTracedUnderTheRequest_NpgsqlTypesAreNot(string path, bool traced)
    {
        var spans = new SpanCollector();
        await using var app = await StartNpgsqlAppAsync(spans, MapInjectionEndpoints);

        var trace = await TraceOfGetAsync(app, spans, path);

        var server = Assert.Single(trace, span => span.Kind == ActivityKind.Server);
        if (traced)
        {
            var sql = Assert.Single(trace, IsOurs);
            Assert.Equal(server.SpanId, sql.ParentSpanId);
            Assert.Equal("postgresql", sql.GetTagItem("db.system.name"));
        }
        else
        {
            Assert.DoesNotContain(trace, IsOurs);
        }
    }

    [SkippableFact]
    public async Task AddNpgsqlDataSource_TraceAllDatabases_OnePool_TheTracedDataSourceUnwrapsToTheNpgsqlDataSourceDiHandsOut()
    {
        await using var app = await StartNpgsqlAppAsync(new SpanCollector(), _ => { });
        await using var scope = app.Services.CreateAsyncScope();

        var traced = scope.ServiceProvider.GetRequiredService<DbDataSource>();
        var npgsql = scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>();

        Assert.IsNotAssignableFrom<NpgsqlDataSource>(traced);
        Assert.Same(npgsql, traced.Unwrap());
        Assert.Same(npgsql, app.Services.GetRequiredService<NpgsqlDataSource>());
        var connection = scope.ServiceProvider.GetRequiredService<DbConnection>();
        Assert.IsNotAssignableFrom<NpgsqlConnection>(connection);
        Assert.IsType<NpgsqlConnection>(connection.Unwrap());
    }

    [SkippableFact]
    public async Task HealthChecks_DefaultOptions_DataSourceCheckIsASpanUnderTheHealthRequest_AddNpgSqlCheckIsNot()
    {
        var marker = Guid.NewGuid().ToString("N");
        var spans = new SpanCollector();
        await using var app = await StartNpgsqlAppAsync(
            spans, pipeline => pipeline.MapHealthChecks("/health"), services => AddHealthChecks(services, marker));

        var health = await app.GetAsync("/health");
        Assert.Equal("Healthy", health.Body);

        var trace = await spans.CompleteTraceAsync(health.TraceId);
        var server = Assert.Single(trace, span => span.Kind == ActivityKind.Server);
        var check = Assert.Single(spans.Ended(span => IsOurs(span) && QueryText(span).Contains(marker, StringComparison.Ordinal)));
        Assert.Contains($"data_source_check_{marker}", QueryText(check), StringComparison.Ordinal);
        Assert.Equal(server.SpanId, check.ParentSpanId);
    }

    [SkippableFact]
    public async Task HealthChecks_RecommendedSetup_NoSqlSpanForHealth_ASpanForTheOtherEndpoints()
    {
        var marker = Guid.NewGuid().ToString("N");
        var spans = new SpanCollector();
        await using var app = await StartNpgsqlAppAsync(
            spans,
            pipeline =>
            {
                pipeline.MapHealthChecks("/health");
                pipeline.MapGet("/health/ready", (DbDataSource dataSource) => ScalarAsync(dataSource, $"SELECT 1 AS ready_{marker}"));
                pipeline.MapGet("/orders", (DbDataSource dataSource) => ScalarAsync(dataSource, $"SELECT 1 AS orders_{marker}"));
            },
            services => AddHealthChecks(services, marker),
            options => options.TraceAllCommands = false,
            request => !request.Request.Path.StartsWithSegments("/health"));

        var health = await app.GetAsync("/health");
        var ready = await app.GetAsync("/health/ready");
        var orders = await app.GetAsync("/orders");
        Assert.Equal("Healthy", health.Body);
        Assert.Equal(HttpStatusCode.OK, ready.Status);

        await spans.CompleteTraceAsync(health.TraceId);
        await spans.CompleteTraceAsync(ready.TraceId);
        var ordersTrace = await spans.CompleteTraceAsync(orders.TraceId);
        var sql = Assert.Single(spans.Ended(span => IsOurs(span) && QueryText(span).Contains(marker, StringComparison.Ordinal)));
        Assert.Contains($"orders_{marker}", QueryText(sql), StringComparison.Ordinal);
        Assert.Equal(Assert.Single(ordersTrace, span => span.Kind == ActivityKind.Server).SpanId, sql.ParentSpanId);
    }

    [SkippableFact]
    public async Task ProviderInstrumentation_AddNpgsql_TwoClientSpansPerCommand_NpgsqlsIsOurChildAndCarriesTheLiteral()
    {
        var spans = new SpanCollector();
        await using var app = await StartNpgsqlAppAsync(spans, MapSecretEndpoint, providerSpans: true);

        var trace = await TraceOfGetAsync(app, spans, "/secret");
        var ours = Assert.Single(trace, IsOurs);
        var npgsqls = ProviderSpansUnder(ours, trace);
        Assert.DoesNotContain(Secret, QueryText(ours), StringComparison.Ordinal);
        var command = Assert.Single(npgsqls, span => span.GetTagItem("db.query.text") is not null);
        Assert.Contains(Secret, QueryText(command), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ProviderInstrumentation_QueryTextRemovedByNpgsqlsEnrichmentCallback_NoSpanOfTheTraceCarriesTheLiteral()
    {
        var spans = new SpanCollector();
        await using var app = await StartNpgsqlAppAsync(
            spans,
            MapSecretEndpoint,
            providerSpans: true,
            dataSource: npgsql => npgsql.ConfigureTracing(tracing => tracing
                .ConfigureCommandEnrichmentCallback((span, _) => span.SetTag("db.query.text", null))
                .ConfigureBatchEnrichmentCallback((span, _) => span.SetTag("db.query.text", null))));

        var trace = await TraceOfGetAsync(app, spans, "/secret");
        ProviderSpansUnder(Assert.Single(trace, IsOurs), trace);
        Assert.DoesNotContain(trace.SelectMany(Texts), text => text.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BackgroundWorker_TraceAllCommandsOff_OnlyTheMarkedJobsSqlIsTraced_AsAChildOfTheJobSpan()
    {
        var marker = Guid.NewGuid().ToString("N");
        var spans = new SpanCollector();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(JobSourceName).AddAopSqlTracing().AddProcessor(spans).Build();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:"), options => options.TraceAllCommands = false)
            .InstancePerLifetimeScope();
        await using var container = builder.Build();

        // Outside any job: nothing marks it.
        await RunInScopeAsync(container, $"SELECT 1 AS outside_{marker}", markWith: null);

        // The worker's unit of work: a job span, and a lifetime scope marked with it.
        var previous = Activity.Current;
        var job = JobSource.StartActivity("nightly cleanup") ?? throw new InvalidOperationException("The job source is not sampled.");
        await RunInScopeAsync(container, $"SELECT 1 AS unmarked_{marker}", markWith: null);
        await RunInScopeAsync(container, $"SELECT 1 AS job_{marker}", markWith: job);
        job.Stop();
        Activity.Current = previous;

        var sql = Assert.Single(spans.Ended(span => IsOurs(span) && QueryText(span).Contains(marker, StringComparison.Ordinal)));
        Assert.Contains($"job_{marker}", QueryText(sql), StringComparison.Ordinal);
        Assert.Equal(job.TraceId, sql.TraceId);
        Assert.Equal(job.SpanId, sql.ParentSpanId);
    }

    [Fact]
    public async Task BackgroundWorker_OnlyUnderAParentPolicy_SqlWithoutACurrentSpanIsNotARootTrace()
    {
        var marker = Guid.NewGuid().ToString("N");
        var spans = new SpanCollector();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(JobSourceName).AddAopSqlTracing().AddProcessor(spans).Build();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:")).InstancePerLifetimeScope();
        builder.RegisterType<OnlyUnderAParent>().As<IParentSpanPolicy>().SingleInstance();
        await using var container = builder.Build();
        var previous = Activity.Current;
        Activity.Current = null;

        await RunInScopeAsync(container, $"SELECT 1 AS no_parent_{marker}", markWith: null);
        var job = JobSource.StartActivity("nightly cleanup") ?? throw new InvalidOperationException("The job source is not sampled.");
        await RunInScopeAsync(container, $"SELECT 1 AS under_job_{marker}", markWith: null);
        job.Stop();
        Activity.Current = previous;

        var sql = Assert.Single(spans.Ended(span => IsOurs(span) && QueryText(span).Contains(marker, StringComparison.Ordinal)));
        Assert.Contains($"under_job_{marker}", QueryText(sql), StringComparison.Ordinal);
        Assert.Equal(job.SpanId, sql.ParentSpanId);
    }

    private static async Task<IReadOnlyList<Activity>> TraceOfGetAsync(MiniApp app, SpanCollector spans, string path)
    {
        var request = await app.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, request.Status);
        return await spans.CompleteTraceAsync(request.TraceId);
    }

    private static async Task RunInScopeAsync(ILifetimeScope container, string sql, Activity? markWith)
    {
        await using var scope = container.BeginLifetimeScope();
        if (markWith is not null)
        {
            scope.SetParentSpanUntilScopeEnds(markWith);
        }

        var connection = scope.Resolve<DbConnection>();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteScalarAsync();
    }

    private static Task<MiniApp> StartNpgsqlAppAsync(
        SpanCollector spans,
        Action<WebApplication> endpoints,
        Action<IServiceCollection>? services = null,
        Action<SqlTracingOptions>? options = null,
        Func<HttpContext, bool>? traceRequest = null,
        bool providerSpans = false,
        Action<NpgsqlDataSourceBuilder>? dataSource = null)
    {
        var connectionString = PostgresServer.ConnectionStringOrSkip();
        return MiniApp.StartAsync(
            pipeline =>
            {
                pipeline.UseSqlTracing(traceRequest ?? (_ => true));
                endpoints(pipeline);
            },
            container => container.TraceAllDatabases(options),
            registrations =>
            {
                registrations.AddNpgsqlDataSource(connectionString, dataSource ?? (_ => { }));
                registrations.AddOpenTelemetry().WithTracing(tracing =>
                {
                    tracing.AddAspNetCoreInstrumentation().AddAopSqlTracing().AddProcessor(spans);
                    if (providerSpans)
                    {
                        tracing.AddNpgsql();
                    }
                });
                services?.Invoke(registrations);
            });
    }

    private static void MapInjectionEndpoints(WebApplication app)
    {
        app.MapGet("/db-data-source", (DbDataSource dataSource) => ScalarAsync(dataSource, "SELECT 1"));
        app.MapGet("/npgsql-data-source", (NpgsqlDataSource dataSource) => ScalarAsync(dataSource, "SELECT 1"));
        app.MapGet("/db-connection", (DbConnection connection) => ScalarAsync(connection, "SELECT 1"));
        app.MapGet("/npgsql-connection", (NpgsqlConnection connection) => ScalarAsync(connection, "SELECT 1"));
    }

    private static void MapSecretEndpoint(WebApplication app)
        => app.MapGet("/secret", (DbDataSource dataSource) => ScalarAsync(dataSource, $"SELECT count(*) FROM pg_roles WHERE rolname <> '{Secret}'"));

    private static void AddHealthChecks(IServiceCollection services, string marker)
        => services.AddHealthChecks()
            .AddNpgSql(healthQuery: $"SELECT 1 AS npgsql_check_{marker}")
            .Add(new HealthCheckRegistration(
                "data source",
                provider => new DataSourceHealthCheck(provider.GetRequiredService<DbDataSource>(), $"SELECT 1 AS data_source_check_{marker}"),
                failureStatus: null,
                tags: null));

    private static async Task<string> ScalarAsync(DbDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return $"{await command.ExecuteScalarAsync()}";
    }

    private static async Task<string> ScalarAsync(DbConnection connection, string sql)
    {
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return $"{await command.ExecuteScalarAsync()}";
    }

    // Npgsql's own spans of the trace (its command, and a physical open when the pool had no idle connection):
    // every one a client span under ours, and one of them the command's.
    private static IReadOnlyList<Activity> ProviderSpansUnder(Activity ours, IReadOnlyList<Activity> trace)
    {
        var npgsqls = trace.Where(span => span.Source.Name == "Npgsql").ToList();
        Assert.All(npgsqls, span => Assert.Equal((ActivityKind.Client, ours.SpanId), (span.Kind, span.ParentSpanId)));
        Assert.Contains(npgsqls, span => !span.OperationName.StartsWith("CONNECT", StringComparison.Ordinal));
        return npgsqls;
    }

    private static bool IsOurs(Activity span) => span.Source.Name == SqlTracing.ActivitySourceName;

    private static string QueryText(Activity span) => span.GetTagItem("db.query.text") as string ?? string.Empty;

    // Everything of a span an exporter sends as text: its name, status, attributes and events.
    private static IEnumerable<string> Texts(Activity span)
        => new[] { span.DisplayName, span.StatusDescription ?? string.Empty }
            .Concat(span.TagObjects.Select(tag => $"{tag.Key}={tag.Value}"))
            .Concat(span.Events.SelectMany(e => e.Tags.Select(tag => $"{e.Name} {tag.Key}={tag.Value}").Append(e.Name)));
}

/// <summary>The README's worker recipe: the default rules, but never a new root trace (SQL with no parent is not traced).</summary>
public sealed class OnlyUnderAParent : IParentSpanPolicy
{
    public ParentSpanDecision Decide(in SqlExecution execution)
    {
        var decision = DefaultParentSpanPolicy.Instance.Decide(execution);
        return decision.IsTraced && decision.Parent is null && Activity.Current is null ? ParentSpanDecision.NotTraced : decision;
    }
}
