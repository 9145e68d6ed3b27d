using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using OpenTelemetry.Trace;

namespace AopSqlTracing.AspNetCore.Tests.Support;

/// <summary>
/// The WebDemo as its users run it, in memory: its own SQLite file in the temp folder, its diagnostics endpoints
/// on, no exporter of its own, and a <see cref="SpanCollector"/> added to its tracer provider.
/// </summary>
public sealed class DemoApp : WebApplicationFactory<Program>
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"aopsqltracing-webdemo-tests-{Guid.NewGuid():N}.db");
    private readonly IReadOnlyDictionary<string, string> _settings;

    /// <param name="settings">Configuration the test overrides, e.g. <c>["SqlTracing:TraceAllCommands"] = "false"</c>.</param>
    public DemoApp(IReadOnlyDictionary<string, string>? settings = null)
    {
        _settings = settings ?? new Dictionary<string, string>();
        Client = CreateClient();
    }

    /// <summary>Gets the spans the app's tracer provider recorded.</summary>
    public SpanCollector Spans { get; } = new();

    /// <summary>Gets a client of the in-memory server.</summary>
    public HttpClient Client { get; }

    /// <summary>
    /// Sends one request as a traced caller would: with a <c>traceparent</c> header of a new trace, so the request
    /// span, and everything under it, is in a trace no other request shares.
    /// </summary>
    public Task<SentRequest> SendAsync(HttpMethod method, string path, object? json = null)
        => TracedRequests.SendAsync(Client, method, path, json);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Path", _databasePath);
        builder.UseSetting("Tracing:Exporter", "none");
        builder.UseSetting("Diagnostics:Enabled", "true");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(Spans)));
    }

    public override async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            File.Delete(file);
        }
    }
}
