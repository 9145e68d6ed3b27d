using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AopSqlTracing.AspNetCore.Tests.Support;

namespace AopSqlTracing.AspNetCore.Tests;

/// <summary>
/// The WebDemo under <c>UseSqlTracing()</c>: one request, one lifetime scope, one trace. Each request carries its
/// own trace id, so the spans of one request are told apart from every other's, in this test or a parallel one.
/// </summary>
public sealed class WebDemoFixture
{
    private const string ListSql = "SELECT id, name FROM users ORDER BY id";
    private const string CreateSql = "INSERT INTO users (name) VALUES (@name) RETURNING id, name";
    // Literals are sanitised out of db.query.text.
    private const string HealthSql = "SELECT ?";
    private const string CountSql = "SELECT count(*) FROM users";

    private static readonly Dictionary<string, string> TraceMarkedOnly = new()
    {
        ["SqlTracing:TraceAllCommands"] = "false",
    };

    [Fact]
    public async Task GetUsers_OneRequest_GivesRequestThenRepositoryThenSqlInOneTrace()
    {
        await using var app = new DemoApp();

        var request = await app.SendAsync(HttpMethod.Get, "/users");

        Assert.Equal(HttpStatusCode.OK, request.Status);
        var spans = await app.Spans.CompleteTraceAsync(request.TraceId);
        var server = AssertTree(request, spans, "IUserRepository.ListAsync", ListSql);
        Assert.Equal("GET /users", server.DisplayName);
        Assert.Equal(request.CallerSpanId, server.ParentSpanId);
        var sql = Assert.Single(spans, span => span.Kind == ActivityKind.Client);
        Assert.Equal("SELECT users", sql.DisplayName);
        Assert.Equal(2L, sql.GetTagItem("db.response.returned_rows"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Requests_FiftyConcurrentMixed_EachHasExactlyItsOwnSqlUnderItsOwnRequest(bool traceAllCommands)
    {
        await using var app = new DemoApp(traceAllCommands ? null : TraceMarkedOnly);
        var endpoints = new (HttpMethod Method, string Path, Func<int, object?> Body, string? Repository, string Sql)[]
        {
            (HttpMethod.Get, "/users", _ => null, "IUserRepository.ListAsync", ListSql),
            (HttpMethod.Post, "/users", i => new { name = $"user {i}" }, "IUserRepository.CreateAsync", CreateSql),
            (HttpMethod.Get, "/health", _ => null, null, HealthSql),
            (HttpMethod.Get, "/diagnostics/detached", _ => null, null, CountSql),
        };
        var plan = Enumerable.Range(0, 50).Select(i => (Index: i, Endpoint: endpoints[i % endpoints.Length])).ToList();

        using var start = new SemaphoreSlim(0);
        var sending = plan.Select(async item =>
        {
            await start.WaitAsync();
            return await app.SendAsync(item.Endpoint.Method, item.Endpoint.Path, item.Endpoint.Body(item.Index));
        }).ToList();
        start.Release(plan.Count);
        var requests = await Task.WhenAll(sending);

        for (var i = 0; i < plan.Count; i++)
        {
            var (_, endpoint) = plan[i];
            var request = requests[i];
            Assert.True(request.Response.IsSuccessStatusCode, $"{request}: {request.Status} {request.Body}");
            var spans = await app.Spans.CompleteTraceAsync(request.TraceId);
            AssertTree(request, spans, endpoint.Repository, endpoint.Sql);
        }
    }

    [Fact]
    public async Task Health_ExcludedByPredicateWithTraceAllCommandsOff_ProducesNoSqlSpanWhileListKeepsItsTree()
    {
        await using var app = new DemoApp(new Dictionary<string, string>(TraceMarkedOnly)
        {
            ["SqlTracing:ExcludePaths"] = "/health",
        });

        var health = await app.SendAsync(HttpMethod.Get, "/health");
        var list = await app.SendAsync(HttpMethod.Get, "/users");

        Assert.Equal(HttpStatusCode.OK, health.Status);
        var healthSpans = await app.Spans.CompleteTraceAsync(health.TraceId);
        // ASP.NET Core's own request span is all there is: the health check's SQL started no span at all.
        var server = Assert.Single(healthSpans);
        Assert.Equal(ActivityKind.Server, server.Kind);
        Assert.DoesNotContain(app.Spans.Started(health.TraceId), span => span.Source.Name == SqlTracing.ActivitySourceName);

        Assert.Equal(HttpStatusCode.OK, list.Status);
        AssertTree(list, await app.Spans.CompleteTraceAsync(list.TraceId), "IUserRepository.ListAsync", ListSql);
    }

    [Fact]
    public async Task Boom_HandlerThrowsWhileReading_EndsEverySpanAndAnswersTheAppsProblem500()
    {
        await using var app = new DemoApp();

        var request = await app.SendAsync(HttpMethod.Get, "/diagnostics/boom");

        Assert.Equal(HttpStatusCode.InternalServerError, request.Status);
        Assert.Equal("application/problem+json", request.Response.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(request.Body))
        {
            Assert.Equal(500, problem.RootElement.GetProperty("status").GetInt32());
        }

        var spans = await app.Spans.CompleteTraceAsync(request.TraceId);
        var started = app.Spans.Started(request.TraceId);
        Assert.All(started, span => Assert.Contains(span, spans));
        var server = Assert.Single(spans, span => span.Kind == ActivityKind.Server);
        Assert.Equal(500, server.GetTagItem("http.response.status_code"));
        var repository = Assert.Single(spans, span => span.Kind == ActivityKind.Internal);
        Assert.Equal("IUserRepository.ListAsync", repository.DisplayName);
        Assert.Equal(server.SpanId, repository.ParentSpanId);
        var sql = spans.Where(span => span.Kind == ActivityKind.Client).ToList();
        Assert.Equal(2, sql.Count);
        Assert.Equal(repository.SpanId, Assert.Single(sql, span => span.ParentSpanId == repository.SpanId).ParentSpanId);
        // The reader the handler was reading when it threw: under the request through the scope's mark, ended by its using.
        var reader = Assert.Single(sql, span => span.ParentSpanId == server.SpanId);
        Assert.Equal(ListSql, reader.GetTagItem("db.query.text"));
        Assert.Equal(1L, reader.GetTagItem("db.response.returned_rows"));
    }

    [Fact]
    public async Task Detached_SqlOnThreadWithoutAmbientContext_IsChildOfTheRequestThroughTheScopeMark()
    {
        await using var app = new DemoApp();

        var request = await app.SendAsync(HttpMethod.Get, "/diagnostics/detached");

        Assert.Equal(HttpStatusCode.OK, request.Status);
        using (var answer = JsonDocument.Parse(request.Body))
        {
            // The work really ran without the request's context: it saw no current Activity.
            Assert.Equal(JsonValueKind.Null, answer.RootElement.GetProperty("ambientActivity").ValueKind);
            Assert.Equal(2, answer.RootElement.GetProperty("users").GetInt64());
        }

        var spans = await app.Spans.CompleteTraceAsync(request.TraceId);
        AssertTree(request, spans, repository: null, CountSql);
    }

    // The whole trace of one request: its request span (child of the caller), at most one repository span under
    // it, and exactly one SQL span with the expected text under the repository span (or the request span).
    private static Activity AssertTree(SentRequest request, IReadOnlyList<Activity> spans, string? repository, string sql)
    {
        var server = Assert.Single(spans, span => span.Kind == ActivityKind.Server);
        Assert.Equal(request.CallerSpanId, server.ParentSpanId);
        Assert.Equal(request.Path, server.GetTagItem("url.path"));

        var calls = spans.Where(span => span.Kind == ActivityKind.Internal).ToList();
        var sqlParent = server;
        if (repository is null)
        {
            Assert.Empty(calls);
        }
        else
        {
            sqlParent = Assert.Single(calls);
            Assert.Equal(repository, sqlParent.DisplayName);
            Assert.Equal(server.SpanId, sqlParent.ParentSpanId);
        }

        var statement = Assert.Single(spans, span => span.Kind == ActivityKind.Client);
        Assert.Equal(SqlTracing.ActivitySourceName, statement.Source.Name);
        Assert.Equal(sql, statement.GetTagItem("db.query.text"));
        Assert.Equal(sqlParent.SpanId, statement.ParentSpanId);
        Assert.Equal(spans.Count, 2 + calls.Count);
        return server;
    }
}
