using System.Data.Common;
using AopSqlTracing;
using AopSqlTracing.WebDemo;
using Autofac;
using Autofac.Extensions.DependencyInjection;
using Microsoft.Data.Sqlite;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

var builder = WebApplication.CreateBuilder(args);

// Every setting below can be overridden on the command line (--SqlTracing:TraceAllCommands=false) or by tests.
var settings = builder.Configuration;
var databasePath = settings["Database:Path"] is { Length: > 0 } configured ? configured : DemoDatabase.DefaultPath;
var traceAllCommands = settings.GetValue("SqlTracing:TraceAllCommands", defaultValue: true);
var excludedPaths = (settings["SqlTracing:ExcludePaths"] ?? string.Empty)
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

var connectionString = DemoDatabase.EnsureCreated(databasePath);

// Autofac behind ASP.NET Core: one lifetime scope per request, so one connection per request. A connection per
// scope, not a DbDataSource, is the README's choice for applications that use scopes as units of work: the
// request's repositories share its connection (and a transaction), and a commit ends the request's mark.
builder.Host.UseServiceProviderFactory(new AutofacServiceProviderFactory());
builder.Host.ConfigureContainer<ContainerBuilder>(container =>
{
    container.RegisterTracedDatabase(_ => new SqliteConnection(connectionString), options => options.TraceAllCommands = traceAllCommands)
        .InstancePerLifetimeScope();
    container.RegisterType<UserRepository>().As<IUserRepository>().InstancePerLifetimeScope();
});

// ASP.NET Core's request spans, AopSqlTracing's spans and metrics, to OTLP when an endpoint is set, else to the console.
var exporter = settings["Tracing:Exporter"] is { Length: > 0 } chosen
    ? chosen
    : string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")) ? "console" : "otlp";
builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("AopSqlTracing.WebDemo"))
    .WithTracing(tracing =>
    {
        tracing.AddAspNetCoreInstrumentation().AddAopSqlTracing();
        if (exporter.Equals("otlp", StringComparison.OrdinalIgnoreCase))
        {
            tracing.AddOtlpExporter();
        }
        else if (exporter.Equals("console", StringComparison.OrdinalIgnoreCase))
        {
            tracing.AddConsoleExporter();
        }
    })
    .WithMetrics(metrics =>
    {
        // db.client.operation.duration and db.client.response.returned_rows, also scraped at /metrics (Prometheus).
        metrics.AddAopSqlTracing().AddPrometheusExporter();
        if (exporter.Equals("otlp", StringComparison.OrdinalIgnoreCase))
        {
            metrics.AddOtlpExporter();
        }
        else if (exporter.Equals("console", StringComparison.OrdinalIgnoreCase))
        {
            metrics.AddConsoleExporter();
        }
    });

builder.Services.AddProblemDetails();

var app = builder.Build();
Console.WriteLine($"SQLite database: {databasePath}");

app.UseExceptionHandler();

// The one line: each request's lifetime scope is marked with the request's span while the request runs.
app.UseSqlTracing(excludedPaths.Length == 0
    ? null
    : context => !excludedPaths.Any(path => context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)));

app.MapGet("/users", async (IUserRepository users, CancellationToken cancellationToken)
    => Results.Ok(await users.ListAsync(cancellationToken)));

app.MapPost("/users", async (NewUser user, IUserRepository users, CancellationToken cancellationToken) =>
{
    var created = await users.CreateAsync(user.Name, cancellationToken);
    return Results.Created($"/users/{created.Id}", created);
});

// No repository: the connection directly, as health checks usually do. Its SQL is traced through the scope's mark.
app.MapGet("/health", async (DbConnection connection, CancellationToken cancellationToken) =>
{
    await connection.OpenAsync(cancellationToken);
    await using var command = connection.CreateCommand();
    command.CommandText = "SELECT 1";
    await command.ExecuteScalarAsync(cancellationToken);
    return Results.Ok(new { status = "healthy" });
});

app.MapPrometheusScrapingEndpoint();

if (settings.GetValue("Diagnostics:Enabled", defaultValue: false))
{
    app.MapDiagnosticEndpoints();
}

app.Run();

/// <summary>The entry point, public so that integration tests can start the app with WebApplicationFactory.</summary>
public partial class Program;
