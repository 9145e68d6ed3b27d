using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing;
using Autofac;
using Autofac.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AopSqlTracing.PackageTests;

/// <summary>The README's three doors, used from the installed packages as a user would.</summary>
public sealed class InstalledPackagesFixture
{
    private static readonly ActivitySource Source = new("AopSqlTracing.PackageTests");

    [Fact]
    public void ReadmeExample_FromThePackage_TracesTheCommandUnderTheMark()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = Listen(stopped);
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:")).InstancePerLifetimeScope();
        using var container = builder.Build();
        using var checkoutSpan = Source.StartActivity("checkout")!;

        using (var scope = container.BeginLifetimeScope())
        {
            var connection = scope.Resolve<DbConnection>();
            connection.Open();
            using var transaction = connection.BeginTransaction();
            connection.SetParentSpan(checkoutSpan);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "CREATE TABLE orders (id INTEGER PRIMARY KEY)";
            command.ExecuteNonQuery();
            transaction.Commit();
        }

        var span = Assert.Single(stopped, span => span.Source.Name == SqlTracing.ActivitySourceName && span.TraceId == checkoutSpan.TraceId);
        Assert.Equal("CREATE TABLE orders", span.DisplayName);
        Assert.Equal(checkoutSpan.SpanId, span.ParentSpanId);
    }

    [Fact]
    public async Task AspNetCoreOneLiner_FromThePackage_SqlIsAChildOfTheRequest()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = Listen(stopped);
        var web = WebApplication.CreateBuilder();
        web.WebHost.UseTestServer();
        web.Host.UseServiceProviderFactory(new AutofacServiceProviderFactory());
        web.Host.ConfigureContainer<ContainerBuilder>((_, c) =>
            c.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:"), o => o.TraceAllCommands = false).InstancePerLifetimeScope());
        await using var app = web.Build();
        app.UseSqlTracing();
        app.MapGet("/one", async (DbConnection connection) =>
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            return (long)(await command.ExecuteScalarAsync())!;
        });
        await app.StartAsync();
        var trace = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/one");
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await app.GetTestClient().SendAsync(request);

        Assert.Equal("1", await response.Content.ReadAsStringAsync());
        var sql = Assert.Single(stopped, span => span.Source.Name == SqlTracing.ActivitySourceName && span.TraceId == trace);
        Assert.Equal("SELECT", sql.DisplayName);
        Assert.NotEqual(default, sql.ParentSpanId);
    }

    [Fact]
    public void AddAopSqlTracing_FromThePackage_TheInMemoryExporterGetsTheSpan()
    {
        var exported = new List<Activity>();
        ActivityTraceId trace;
        using (var provider = Sdk.CreateTracerProviderBuilder().AddSource(Source.Name).AddAopSqlTracing().AddInMemoryExporter(exported).Build())
        {
            var builder = new ContainerBuilder();
            builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:")).InstancePerLifetimeScope();
            using var container = builder.Build();
            using var root = Source.StartActivity("root")!;
            trace = root.TraceId;
            using var connection = container.Resolve<DbConnection>();
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            command.ExecuteScalar();
            root.Stop();
            Assert.True(provider.ForceFlush(5_000));
        }

        Assert.Single(exported, span => span.Source.Name == SqlTracing.ActivitySourceName && span.TraceId == trace);
    }

    private static ActivityListener Listen(ConcurrentQueue<Activity> stopped)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is SqlTracing.ActivitySourceName or "AopSqlTracing.PackageTests" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
