using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using AopSqlTracing.AspNetCore.Tests.Support;
using Autofac;
using Autofac.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.AspNetCore.Tests;

/// <summary>
/// <c>app.UseSqlTracing()</c> by itself, in minimal apps on Autofac: which requests' lifetime scopes it marks,
/// with what, for how long, and what it says when the app is not on Autofac.
/// </summary>
public sealed class SqlTracingApplicationBuilderExtensionsFixture
{
    private const string AspNetCoreSourceName = "Microsoft.AspNetCore";

    [Fact]
    public void UseSqlTracing_ServicesNotFromAutofac_ThrowsNamingTheFactoryToConfigure()
    {
        var app = WebApplication.CreateBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.UseSqlTracing());

        Assert.Contains("UseServiceProviderFactory(new AutofacServiceProviderFactory())", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseSqlTracing_NullApp_ThrowsArgumentNullException()
    {
        IApplicationBuilder app = null!;

        var error = Assert.Throws<ArgumentNullException>(() => app.UseSqlTracing());

        Assert.Equal("app", error.ParamName);
    }

    [Fact]
    public async Task UseSqlTracing_SelectedRequest_MarksRequestScopeWithRequestActivityUntilTheRequestEnds()
    {
        using var listener = ListenToRequests();
        var markAfterRequest = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await MiniApp.StartAsync(pipeline =>
        {
            // Outside UseSqlTracing: sees the request scope once the rest of the pipeline has run, before it is disposed.
            pipeline.Use(async (context, next) =>
            {
                await next(context);
                markAfterRequest.TrySetResult(RequestScope(context).GetTraced());
            });
            pipeline.UseSqlTracing();
            pipeline.MapGet("/mark", ReportMark);
        });

        using var mark = JsonDocument.Parse(await app.Client.GetStringAsync("/mark"));

        Assert.True(mark.RootElement.GetProperty("traced").GetBoolean());
        var requestSpan = mark.RootElement.GetProperty("requestSpan").GetString();
        Assert.NotNull(requestSpan);
        Assert.Equal(requestSpan, mark.RootElement.GetProperty("parentSpan").GetString());
        Assert.False(await markAfterRequest.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task UseSqlTracing_PredicateRejectsRequest_LeavesRequestScopeUnmarked()
    {
        using var listener = ListenToRequests();
        await using var app = await MiniApp.StartAsync(pipeline =>
        {
            pipeline.UseSqlTracing(context => !context.Request.Path.StartsWithSegments("/skipped"));
            pipeline.MapGet("/skipped/mark", ReportMark);
            pipeline.MapGet("/mark", ReportMark);
        });

        using var skipped = JsonDocument.Parse(await app.Client.GetStringAsync("/skipped/mark"));
        using var selected = JsonDocument.Parse(await app.Client.GetStringAsync("/mark"));

        Assert.False(skipped.RootElement.GetProperty("traced").GetBoolean());
        Assert.True(selected.RootElement.GetProperty("traced").GetBoolean());
    }

    [Fact]
    public async Task UseSqlTracing_PredicateThrows_RequestRunsWithScopeUnmarked()
    {
        await using var app = await MiniApp.StartAsync(pipeline =>
        {
            pipeline.UseSqlTracing(_ => throw new InvalidOperationException("predicate bug"));
            pipeline.MapGet("/mark", ReportMark);
        });

        using var first = JsonDocument.Parse(await app.Client.GetStringAsync("/mark"));
        using var second = JsonDocument.Parse(await app.Client.GetStringAsync("/mark"));

        Assert.False(first.RootElement.GetProperty("traced").GetBoolean());
        Assert.False(second.RootElement.GetProperty("traced").GetBoolean());
    }

    // Library gap, not this package's: Autofac disposes the provider's connection, not the traced proxy, so a reader
    // left open when the request's scope ends keeps its span open for ever (README: "A reader dropped without dispose
    // has its span finished when its connection closes or is disposed").
    [Fact]
    public async Task RequestScopeEnd_ReaderLeftOpen_EndsTheReaderSpan()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = ListenToRequests(stopped, traceId);
        await using var app = await MiniApp.StartAsync(
            pipeline =>
            {
                pipeline.UseSqlTracing();
                pipeline.MapGet("/leak", async (DbConnection connection) =>
                {
                    await connection.OpenAsync();
                    var command = connection.CreateCommand();
                    command.CommandText = "SELECT 1 UNION ALL SELECT 2";
                    var reader = await command.ExecuteReaderAsync();
                    await reader.ReadAsync();
                    return reader.GetInt64(0);
                });
            },
            container => container.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:")).InstancePerLifetimeScope());
        await GetInTraceAsync(app, "/leak", traceId);
        await UntilStoppedAsync(stopped, SqlTracing.ActivitySourceName);

        var reader = Assert.Single(stopped, span => span.Source.Name == SqlTracing.ActivitySourceName);
        Assert.Equal("SELECT", reader.DisplayName);
    }

    // What the request's own lifetime scope carries while the endpoint runs, and the request's span.
    private static IResult ReportMark(HttpContext context, ILifetimeScope scope) => Results.Ok(new
    {
        traced = scope.GetTraced(),
        parentSpan = scope.GetParentSpan()?.SpanId.ToHexString(),
        requestSpan = context.Features.Get<IHttpActivityFeature>()?.Activity?.SpanId.ToHexString(),
    });

    private static ILifetimeScope RequestScope(HttpContext context)
        => ((AutofacServiceProvider)context.RequestServices).LifetimeScope;

    // ASP.NET Core creates its request Activity only when someone listens, as OpenTelemetry's instrumentation does.
    [Fact]
    public async Task UseSqlTracing_RequestRunsOneSelectPerRow_RequestSpanSaysSoOnceBeforeItEnds()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = ListenToRequests(stopped, traceId);
        await using var app = await MiniApp.StartAsync(
            pipeline =>
            {
                pipeline.UseSqlTracing();
                pipeline.MapGet("/orders", async (DbConnection connection) =>
                {
                    await connection.OpenAsync();
                    for (var id = 1; id <= 4; id++)
                    {
                        await using var command = connection.CreateCommand();
                        command.CommandText = $"SELECT {id} AS customer";
                        await command.ExecuteScalarAsync();
                    }

                    return "ok";
                });
            },
            container => container.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:"), o => o.RepeatedStatementThreshold = 3)
                .InstancePerLifetimeScope());
        await GetInTraceAsync(app, "/orders", traceId);
        await UntilStoppedAsync(stopped, AspNetCoreSourceName);

        // The event is on the request's span when it stops, so an exporter sees it.
        var requestSpan = Assert.Single(stopped, span => span.Source.Name == AspNetCoreSourceName);
        var repeated = Assert.Single(requestSpan.Events, e => e.Name == "db.repeated_statement");
        Assert.Equal(4, Convert.ToInt32(repeated.Tags.Single(tag => tag.Key == "db.repeated_statement.count").Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("SELECT ? AS customer", repeated.Tags.Single(tag => tag.Key == "db.query.text").Value);
    }

    // A GET in the given trace (its traceparent), which must succeed.
    private static async Task GetInTraceAsync(MiniApp app, string path, ActivityTraceId traceId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await app.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    // Spans stop after the response is sent: wait (a few seconds at most) for one of the source's.
    private static async Task UntilStoppedAsync(ConcurrentQueue<Activity> stopped, string sourceName)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!stopped.Any(span => span.Source.Name == sourceName) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    private static ActivityListener ListenToRequests(ConcurrentQueue<Activity>? stopped = null, ActivityTraceId traceId = default)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is AspNetCoreSourceName or SqlTracing.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (stopped is not null && activity.TraceId == traceId)
                {
                    stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
