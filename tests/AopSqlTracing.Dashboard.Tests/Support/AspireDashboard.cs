using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AopSqlTracing.Dashboard.Tests.Support;

/// <summary>
/// The Aspire dashboard run standalone: an OTLP backend listening on gRPC and on HTTP/protobuf, whose API gives back
/// what it received (<c>/api/telemetry/traces</c> as OTLP JSON, <c>/api/telemetry/resources</c> with <c>hasMetrics</c>).
/// </summary>
public sealed class AspireDashboard : IDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);

    private readonly ChildProcess _process;
    private readonly HttpClient _api;

    private AspireDashboard(ChildProcess process, HttpClient api, Uri otlpGrpc, Uri otlpHttp)
    {
        _process = process;
        _api = api;
        OtlpGrpcEndpoint = otlpGrpc;
        OtlpHttpEndpoint = otlpHttp;
    }

    /// <summary>Gets the address an exporter sends OTLP/gRPC to.</summary>
    public Uri OtlpGrpcEndpoint { get; }

    /// <summary>Gets the address an exporter sends OTLP/HTTP to (the exporter adds <c>/v1/traces</c> and <c>/v1/metrics</c>).</summary>
    public Uri OtlpHttpEndpoint { get; }

    /// <summary>
    /// Gets the dashboard's executable in the NuGet packages folder, where restoring this test project puts it
    /// (its <c>PackageDownload</c> of <c>Aspire.Dashboard.Sdk.linux-x64</c>).
    /// </summary>
    public static string Executable => typeof(AspireDashboard).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "AspireDashboardExecutable").Value!;

    /// <summary>Starts the dashboard on free ports and returns once its API answers.</summary>
    /// <exception cref="DashboardUnavailableException">The executable is missing, or it did not start serving.</exception>
    public static async Task<AspireDashboard> StartAsync()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(Executable))
        {
            throw new DashboardUnavailableException(
                $"The Aspire dashboard is not at {Executable}: restoring tests/AopSqlTracing.Dashboard.Tests downloads it (package Aspire.Dashboard.Sdk.linux-x64, Linux x64 only).");
        }

        // Port 0 everywhere: the dashboard takes free ports and writes which, so parallel runs never collide.
        var process = ChildProcess.Start(Executable, [], new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://127.0.0.1:0",
            ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = "http://127.0.0.1:0",
            // Anonymous UI, OTLP and API: it listens on the loopback only, for the length of a test.
            ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
        }, workingDirectory: Path.GetDirectoryName(Executable)!);
        AspireDashboard? dashboard = null;
        try
        {
            var deadline = DateTime.UtcNow + StartDeadline;
            var browser = await ListeningAddressAsync(process, "Now listening on", deadline);
            var otlpGrpc = await ListeningAddressAsync(process, "OTLP/gRPC listening on", deadline);
            var otlpHttp = await ListeningAddressAsync(process, "OTLP/HTTP listening on", deadline);
            dashboard = new AspireDashboard(process, new HttpClient { BaseAddress = browser }, otlpGrpc, otlpHttp);
            await dashboard.EnsureApiAsync();
            return dashboard;
        }
        catch
        {
            if (dashboard is null)
            {
                process.Dispose();
            }
            else
            {
                dashboard.Dispose();
            }

            throw;
        }
    }

    /// <summary>Every span the dashboard holds, from every resource that exported to it.</summary>
    public async Task<IReadOnlyList<ExportedSpan>> SpansAsync()
    {
        using var traces = JsonDocument.Parse(await _api.GetStringAsync("/api/telemetry/traces"));
        var spans = new List<ExportedSpan>();
        foreach (var resource in traces.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            {
                var scopeName = scope.GetProperty("scope").GetProperty("name").GetString()!;
                spans.AddRange(scope.GetProperty("spans").EnumerateArray().Select(span => new ExportedSpan(
                    scopeName,
                    span.GetProperty("traceId").GetString()!,
                    span.GetProperty("spanId").GetString()!,
                    span.TryGetProperty("parentSpanId", out var parent) && parent.GetString() is { Length: > 0 } parentId ? parentId : null,
                    span.GetProperty("name").GetString()!,
                    (ExportedSpanKind)span.GetProperty("kind").GetInt32(),
                    Attributes(span))));
            }
        }

        return spans;
    }

    /// <summary>Whether a resource of that service name has sent metrics.</summary>
    public async Task<bool> HasMetricsAsync(string serviceName)
    {
        using var resources = JsonDocument.Parse(await _api.GetStringAsync("/api/telemetry/resources"));
        return resources.RootElement.EnumerateArray().Any(resource
            => resource.GetProperty("name").GetString() == serviceName && resource.GetProperty("hasMetrics").GetBoolean());
    }

    public void Dispose()
    {
        _api.Dispose();
        _process.Dispose();
    }

    private static Dictionary<string, string> Attributes(JsonElement span)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!span.TryGetProperty("attributes", out var list))
        {
            return attributes;
        }

        foreach (var attribute in list.EnumerateArray())
        {
            // One property per value: stringValue, intValue, boolValue... Its text is what a user reads.
            var value = attribute.GetProperty("value").EnumerateObject().Single().Value;
            attributes[attribute.GetProperty("key").GetString()!] = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        }

        return attributes;
    }

    private static async Task<Uri> ListeningAddressAsync(ChildProcess process, string announcement, DateTime deadline)
        => await process.WaitForOutputAsync(new Regex(Regex.Escape(announcement) + @": (http://\S+)"), deadline) is { } address
            ? new Uri(address)
            : throw new DashboardUnavailableException(
                $"The Aspire dashboard ({Executable}) did not write \"{announcement}\" within {StartDeadline.TotalSeconds} s:{Environment.NewLine}{process.RecentOutput()}");

    // The API the tests read is part of the dashboard's contract with them: a version without it cannot serve.
    private async Task EnsureApiAsync()
    {
        using var answer = await _api.GetAsync("/api/telemetry/resources");
        if (!answer.IsSuccessStatusCode)
        {
            throw new DashboardUnavailableException(
                $"The Aspire dashboard ({Executable}) answers /api/telemetry/resources with {(int)answer.StatusCode}:{Environment.NewLine}{_process.RecentOutput()}");
        }
    }
}
