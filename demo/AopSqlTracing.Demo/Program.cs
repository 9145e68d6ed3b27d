using System.Diagnostics;
using AopSqlTracing;
using AopSqlTracing.Demo;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

// The application's own source, for the parent spans: one unit of work, simulated requests.
using var appSource = new ActivitySource("AopSqlTracing.Demo");

// One OpenTelemetry tracer provider for the whole run, as an application has. It sends the spans to a collector
// only when OTEL_EXPORTER_OTLP_ENDPOINT names one (the OTLP exporter reads the endpoint from that variable), so
// the demo needs nothing running by default.
var tracing = Sdk.CreateTracerProviderBuilder()
    .ConfigureResource(resource => resource.AddService(appSource.Name))
    .AddSource(appSource.Name)
    .AddAopSqlTracing();
var otlpEndpoint = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
if (!string.IsNullOrWhiteSpace(otlpEndpoint))
{
    tracing.AddOtlpExporter();
}

using var tracerProvider = tracing.Build();

using (var spans = new SpanTree(appSource.Name, SqlTracing.ActivitySourceName))
{
    await ConnectionDemo.RunAsync(appSource);
    spans.Render("A connection marked for its transaction");
}

using (var spans = new SpanTree(appSource.Name, SqlTracing.ActivitySourceName))
{
    await UnitOfWorkDemo.RunAsync(appSource);
    spans.Render("Lifetime scopes as units of work, with a [Traced] repository");
}

using (var spans = new SpanTree(appSource.Name, SqlTracing.ActivitySourceName))
{
    await EntityFrameworkDemo.RunAsync(appSource);
    spans.Render("Entity Framework Core: a DbContext marked for its unit of work");
}

using (var spans = new SpanTree(appSource.Name, SqlTracing.ActivitySourceName))
{
    await RepeatedStatementDemo.RunAsync(appSource);
    spans.Render("An N+1 caught: one SELECT per row of an earlier result, said once on the unit of work's span");
}

// Flushes the OTLP exporter's last batch; bounded, so an endpoint nobody answers cannot hold the demo up.
if (!tracerProvider.Shutdown(timeoutMilliseconds: 5_000) && !string.IsNullOrWhiteSpace(otlpEndpoint))
{
    Console.Error.WriteLine($"OTLP export to {otlpEndpoint} did not finish in 5 s; spans may be lost.");
}

return 0;
