using System.Reflection;
using System.Text.Json;

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

        var browser = new Uri($"http://127.0.0.1:{ChildProcess.FreePort()}");
        var otlpGrpc = new Uri($"http://127.0.0.1:{ChildProcess.FreePort()}");
        var otlpHttp = new Uri($"http://127.0.0.1:{ChildProcess.FreePort()}");
        var process = ChildProcess.Start(Executable, [], new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = browser.ToString(),
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = otlpGrpc.ToString(),
            ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = otlpHttp.ToString(),
            // Anonymous UI, OTLP and API: it listens on the loopback only, for the length of a test.
            ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
        }, workingDirectory: Path.GetDirectoryName(Executable)!);
        var dashboard = new AspireDashboard(process, new HttpClient { BaseAddress = browser }, otlpGrpc, otlpHttp);
        try
        {
            await dashboard.WaitUntilServingAsync();
            return dashboard;
        }
        catch
        {
            dashboard.Dispose();
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

    private async Task WaitUntilServingAsync()
    {
        var deadline = DateTime.UtcNow + StartDeadline;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new DashboardUnavailableException($"The Aspire dashboard ({Executable}) exited on start:{Environment.NewLine}{_process.RecentOutput()}");
            }

            try
            {
                using var answer = await _api.GetAsync("/api/telemetry/resources");
                if (answer.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new DashboardUnavailableException(
            $"The Aspire dashboard ({Executable}) did not answer /api/telemetry/resources within {StartDeadline.TotalSeconds} s:{Environment.NewLine}{_process.RecentOutput()}");
    }
}
