using System.Text.RegularExpressions;

namespace AopSqlTracing.Dashboard.Tests.Support;

/// <summary>
/// The web demo run as its users run it, a process of its own, told where to export by the standard OpenTelemetry
/// settings only (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>), with its own SQLite file.
/// </summary>
public sealed class WebDemoProcess : IDisposable
{
    /// <summary>The <c>service.name</c> the demo gives its resource.</summary>
    public const string ServiceName = "AopSqlTracing.WebDemo";

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);

    private readonly ChildProcess _process;
    private readonly string _databasePath;

    private WebDemoProcess(ChildProcess process, Uri address, string databasePath)
    {
        _process = process;
        _databasePath = databasePath;
        Client = new HttpClient { BaseAddress = address };
    }

    /// <summary>Gets a client of the demo's HTTP endpoint.</summary>
    public HttpClient Client { get; }

    /// <summary>Starts the demo exporting to <paramref name="otlpEndpoint"/> and returns once it listens.</summary>
    /// <param name="otlpEndpoint">The collector's address, as a user sets it in <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</param>
    /// <param name="protocol"><c>grpc</c> or <c>http/protobuf</c>, as a user sets it in <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>.</param>
    public static async Task<WebDemoProcess> StartAsync(Uri otlpEndpoint, string protocol)
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"aopsqltracing-dashboard-tests-{Guid.NewGuid():N}.db");
        // Built beside the tests by the project reference; run by the same dotnet host that runs the tests.
        var process = ChildProcess.Start(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet",
            [
                Path.Combine(AppContext.BaseDirectory, "AopSqlTracing.WebDemo.dll"),
                $"--Database:Path={databasePath}",
                // A free port of the system's choosing, announced by the host's lifetime log line.
                "--urls=http://127.0.0.1:0",
                "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            ],
            new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
                // Export soon rather than every 5 s (spans) and 60 s (metrics): the test reads them back.
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            },
            workingDirectory: AppContext.BaseDirectory);
        try
        {
            var address = await process.WaitForOutputAsync(new Regex(@"Now listening on: (http://\S+)"), DateTime.UtcNow + StartDeadline)
                ?? throw new InvalidOperationException(
                    $"The web demo did not start listening within {StartDeadline.TotalSeconds} s:{Environment.NewLine}{process.RecentOutput()}");
            return new WebDemoProcess(process, new Uri(address), databasePath);
        }
        catch
        {
            process.Dispose();
            DeleteDatabase(databasePath);
            throw;
        }
    }

    /// <summary>The last lines the demo wrote, for a failure message.</summary>
    public string RecentOutput() => _process.RecentOutput();

    public void Dispose()
    {
        Client.Dispose();
        _process.Dispose();
        DeleteDatabase(_databasePath);
    }

    private static void DeleteDatabase(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
