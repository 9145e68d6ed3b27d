using System.Net.Http.Json;

namespace AopSqlTracing.Dashboard.Tests.Support;

/// <summary>
/// One run of the whole path, shared by the tests of one protocol: the dashboard started, the web demo exporting
/// to it, a few requests sent, and what the dashboard then holds read back through its API. Without the dashboard
/// the run records why, and the tests skip with that reason, or fail with it under <c>CI=true</c>.
/// </summary>
public abstract class OtlpExportRun : IAsyncLifetime
{
    // The exporters batch: spans leave the demo within OTEL_BSP_SCHEDULE_DELAY, metrics every OTEL_METRIC_EXPORT_INTERVAL.
    private static readonly TimeSpan TelemetryDeadline = TimeSpan.FromSeconds(30);

    private AspireDashboard? _dashboard;
    private WebDemoProcess? _demo;

    protected OtlpExportRun()
    {
        // A name only this run sends: a user's value that must never reach a span.
        Literal = $"literal-{Guid.NewGuid():N}";
        Requests =
        [
            new(HttpMethod.Get, "/users", null, "IUserRepository.ListAsync", "SELECT id, name FROM users ORDER BY id", "SELECT", "users"),
            new(HttpMethod.Post, "/users", new { name = Literal }, "IUserRepository.CreateAsync",
                "INSERT INTO users (name) VALUES (@name) RETURNING id, name", "INSERT", "users"),
            // No repository, and a literal in the SQL itself (SELECT 1), sanitised.
            new(HttpMethod.Get, "/health", null, null, "SELECT ?", "SELECT", null),
        ];
    }

    /// <summary>Gets the value of <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> the demo is started with.</summary>
    public abstract string Protocol { get; }

    /// <summary>Gets the literal value the requests send, which no attribute may hold.</summary>
    public string Literal { get; }

    /// <summary>Gets the requests sent, each with what is expected under it.</summary>
    public IReadOnlyList<DemoRequest> Requests { get; }

    /// <summary>Gets every span the dashboard held once the requests' telemetry arrived (or the deadline passed).</summary>
    public IReadOnlyList<ExportedSpan> Spans { get; private set; } = [];

    /// <summary>Gets whether the dashboard reports metrics from the demo's resource.</summary>
    public bool HasMetrics { get; private set; }

    /// <summary>Gets the demo's last output lines, for failure messages.</summary>
    public string DemoOutput => _demo?.RecentOutput() ?? string.Empty;

    private string? UnavailableReason { get; set; }

    /// <summary>
    /// Skips the calling test when the dashboard could not be had, or fails it under <c>CI=true</c>, where a backend
    /// that never ran must not pass as green.
    /// </summary>
    public void RequireDashboard()
    {
        if (UnavailableReason is null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail($"CI=true, so the OTLP backend test does not skip: {UnavailableReason}");
        }

        Skip.If(true, UnavailableReason);
    }

    public async Task InitializeAsync()
    {
        try
        {
            _dashboard = await AspireDashboard.StartAsync();
        }
        catch (DashboardUnavailableException unavailable)
        {
            UnavailableReason = unavailable.Message;
            return;
        }

        // A fixture whose start fails may never be disposed by the runner: what it started is stopped here.
        try
        {
            var endpoint = Protocol == "grpc" ? _dashboard.OtlpGrpcEndpoint : _dashboard.OtlpHttpEndpoint;
            _demo = await WebDemoProcess.StartAsync(endpoint, Protocol);
            foreach (var request in Requests)
            {
                using var message = new HttpRequestMessage(request.Method, request.Path);
                if (request.Body is not null)
                {
                    message.Content = JsonContent.Create(request.Body);
                }

                using var response = await _demo.Client.SendAsync(message);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException(
                        $"{request}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}{Environment.NewLine}{DemoOutput}");
                }
            }

            await ReadBackAsync(_dashboard);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public Task DisposeAsync()
    {
        _demo?.Dispose();
        _demo = null;
        _dashboard?.Dispose();
        _dashboard = null;
        return Task.CompletedTask;
    }

    // Polls until each request's trace holds its SQL span and metrics arrived; past the deadline the tests judge
    // whatever did arrive, so a missing piece fails the test that looks for it.
    private async Task ReadBackAsync(AspireDashboard dashboard)
    {
        var deadline = DateTime.UtcNow + TelemetryDeadline;
        do
        {
            Spans = await dashboard.SpansAsync();
            HasMetrics = await dashboard.HasMetricsAsync(WebDemoProcess.ServiceName);
            if (HasMetrics && Requests.All(HasArrived))
            {
                return;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
    }

    private bool HasArrived(DemoRequest request)
        => Spans.FirstOrDefault(request.IsServedBy) is { } server
            && Spans.Any(span => span.TraceId == server.TraceId && span.Scope == SqlTracing.ActivitySourceName && span.Kind == ExportedSpanKind.Client);
}
