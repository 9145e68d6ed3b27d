using AopSqlTracing.Dashboard.Tests.Support;

namespace AopSqlTracing.Dashboard.Tests;

/// <summary>
/// What a user looks for in a real OTLP backend after running the web demo against it: each request one trace, its
/// SQL under it (through the repository call), the stable <c>db.*</c> attributes, no value the user sent, and metrics.
/// Run once per OTLP protocol; span display names are not judged here (<see cref="SqlTracingOptions.SpanNaming"/>).
/// </summary>
public abstract class OtlpExportSuite<TRun>(TRun run) : IClassFixture<TRun>
    where TRun : OtlpExportRun
{
    [SkippableFact]
    public void EachRequest_ArrivesAsATraceOfItsOwnWithTheServerSpanAtItsRoot()
    {
        run.RequireDashboard();

        var servers = run.Requests.Select(ServerSpanOf).ToList();

        Assert.All(servers, server => Assert.Null(server.ParentSpanId));
        Assert.Equal(servers.Count, servers.Select(server => server.TraceId).Distinct().Count());
    }

    [SkippableFact]
    public void EverySqlSpan_ReachesARequestsServerSpanUpItsParentChain()
    {
        run.RequireDashboard();

        var sql = run.Spans.Where(IsSql).ToList();

        Assert.Equal(run.Requests.Count, sql.Count);
        Assert.All(sql, span =>
        {
            var top = span;
            while (top.ParentSpanId is { } parentId)
            {
                top = Assert.Single(run.Spans, candidate => candidate.TraceId == span.TraceId && candidate.SpanId == parentId);
            }

            Assert.Equal(ExportedSpanKind.Server, top.Kind);
            Assert.Contains(run.Requests, request => request.IsServedBy(top));
        });
    }

    [SkippableFact]
    public void EachRequest_HasItsOneSqlSpanUnderItsRepositoryCallOrDirectlyUnderTheRequest()
    {
        run.RequireDashboard();

        Assert.All(run.Requests, request =>
        {
            var server = ServerSpanOf(request);
            var sql = SqlSpanOf(request);
            var parent = Assert.Single(run.Spans, span => span.TraceId == sql.TraceId && span.SpanId == sql.ParentSpanId);
            if (request.Repository is null)
            {
                Assert.Equal(server.SpanId, parent.SpanId);
            }
            else
            {
                Assert.Equal(request.Repository, parent.Name);
                Assert.Equal(ExportedSpanKind.Internal, parent.Kind);
                Assert.Equal(server.SpanId, parent.ParentSpanId);
            }
        });
    }

    [SkippableFact]
    public void EverySqlSpan_CarriesTheStableDatabaseAttributesWithSanitisedText()
    {
        run.RequireDashboard();

        Assert.All(run.Requests, request =>
        {
            var sql = SqlSpanOf(request);
            Assert.Equal("sqlite", sql.Attribute("db.system.name"));
            Assert.Equal(request.QueryText, sql.Attribute("db.query.text"));
            Assert.Equal(request.Operation, sql.Attribute("db.operation.name"));
            Assert.Equal(request.Collection, sql.Attribute("db.collection.name"));
        });
    }

    [SkippableFact]
    public void NoSpan_HoldsTheLiteralTheRequestSent()
    {
        run.RequireDashboard();

        Assert.NotEmpty(run.Spans);
        Assert.All(run.Spans, span =>
        {
            Assert.DoesNotContain(run.Literal, span.Name, StringComparison.Ordinal);
            Assert.DoesNotContain(span.Attributes.Keys, key => key.StartsWith("db.query.parameter.", StringComparison.Ordinal));
            Assert.All(span.Attributes.Values, value => Assert.DoesNotContain(run.Literal, value, StringComparison.Ordinal));
        });
    }

    [SkippableFact]
    public void DemoResource_HasSentMetrics()
    {
        run.RequireDashboard();

        Assert.True(run.HasMetrics, $"The dashboard reports no metrics from {WebDemoProcess.ServiceName}.{Environment.NewLine}{run.DemoOutput}");
    }

    private static bool IsSql(ExportedSpan span) => span.Scope == SqlTracing.ActivitySourceName && span.Kind == ExportedSpanKind.Client;

    private ExportedSpan ServerSpanOf(DemoRequest request) => Assert.Single(run.Spans, request.IsServedBy);

    private ExportedSpan SqlSpanOf(DemoRequest request)
    {
        var server = ServerSpanOf(request);
        return Assert.Single(run.Spans, span => span.TraceId == server.TraceId && IsSql(span));
    }
}
