using Autofac;
using Autofac.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace AopSqlTracing.AspNetCore.Tests.Support;

/// <summary>
/// A minimal ASP.NET Core app on Autofac, in memory, for testing <c>UseSqlTracing</c> by itself: the test
/// registers its services and builds its pipeline.
/// </summary>
public sealed class MiniApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MiniApp(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    /// <summary>Gets a client of the in-memory server.</summary>
    public HttpClient Client { get; }

    /// <summary>Gets the app's root services, as the host built them.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Sends a GET in a trace of its own (see <see cref="TracedRequests"/>).</summary>
    public Task<SentRequest> GetAsync(string path) => TracedRequests.SendAsync(Client, HttpMethod.Get, path);

    /// <summary>Builds and starts the app: Autofac behind ASP.NET Core, then <paramref name="pipeline"/>.</summary>
    public static async Task<MiniApp> StartAsync(
        Action<WebApplication> pipeline, Action<ContainerBuilder>? container = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder();
        services?.Invoke(builder.Services);
        builder.WebHost.UseTestServer();
        builder.Host.UseServiceProviderFactory(new AutofacServiceProviderFactory());
        builder.Host.ConfigureContainer<ContainerBuilder>((_, services) => container?.Invoke(services));
        var app = builder.Build();
        pipeline(app);
        await app.StartAsync();
        return new MiniApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
