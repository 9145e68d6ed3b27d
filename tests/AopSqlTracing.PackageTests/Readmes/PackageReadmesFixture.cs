using System.Net;
using System.Net.Sockets;

namespace AopSqlTracing.PackageTests.Readmes;

/// <summary>
/// Each package's README is a complete quick start: an app made from the page alone (its packages, its program)
/// builds against the packed packages, runs, and prints what the page says it prints.
/// </summary>
public sealed class PackageReadmesFixture
{
    private static readonly TimeSpan BuildAndRun = TimeSpan.FromMinutes(4);

    [Theory]
    [InlineData("AopSqlTracing")]
    [InlineData("AopSqlTracing.OpenTelemetry")]
    [InlineData("AopSqlTracing.EntityFrameworkCore")]
    public async Task ConsoleQuickStart_MadeFromThePageAlone_PrintsWhatThePageShows(string package)
    {
        var page = PackagePage.Of(package);
        Assert.Equal("console", page.Template);
        using var app = new QuickStartApp(page);

        var output = await app.RunAsync(BuildAndRun);

        Assert.True(page.MissingFrom(output).Count == 0, $"{package}'s README shows lines its program did not print:\n{string.Join('\n', page.MissingFrom(output))}\nIt printed:\n{output}");
    }

    [Fact]
    public async Task WebQuickStart_MadeFromThePageAlone_ExportsTheRequestsSqlAsThePageShows()
    {
        var page = PackagePage.Of("AopSqlTracing.AspNetCore");
        Assert.Equal("web", page.Template);
        using var app = new QuickStartApp(page);
        var address = $"http://127.0.0.1:{FreePort()}";

        app.Start("--urls", address);
        var answer = await FirstAnswer(app, address);

        Assert.StartsWith("SQLite ", answer, StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (page.MissingFrom(app.Output).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(page.MissingFrom(app.Output).Count == 0, $"The ASP.NET Core README shows lines its app did not print:\n{string.Join('\n', page.MissingFrom(app.Output))}\nIt printed:\n{app.Output}");
    }

    // The app builds first: ask until it answers, or say what it printed.
    private static async Task<string> FirstAnswer(QuickStartApp app, string address)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + BuildAndRun;
        while (true)
        {
            try
            {
                return await http.GetStringAsync(new Uri(address + "/"));
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
            catch (HttpRequestException exception)
            {
                throw new TimeoutException($"The web quick start did not answer within {BuildAndRun}. It printed:\n{app.Output}", exception);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
