using System.Data.Common;
using System.Diagnostics;
using Autofac;
using Microsoft.Data.Sqlite;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AopSqlTracing.OpenTelemetry.Tests;

/// <summary>
/// <c>AddAopSqlTracing()</c> used the way the README tells a user to: an OpenTelemetry SDK tracer provider, a
/// traced SQLite database in Autofac, and the spans the provider exports.
/// </summary>
public sealed class AopSqlTracingTracerProviderBuilderExtensionsFixture
{
    // The parent of each test's statements: listeners are global and tests run in parallel, so each test keeps
    // only the spans of its own trace.
    private static readonly ActivitySource TestSource = new("AopSqlTracing.OpenTelemetry.Tests");

    [Fact]
    public void SdkExtensionsCalledByClassName_CompileBesideOurs()
    {
        // A static call through the SDK's own class name: ambiguous (CS0433) if our class shared its full name.
        var builder = TracerProviderBuilderExtensions.SetSampler(Sdk.CreateTracerProviderBuilder(), new AlwaysOffSampler());
        using var provider = AopSqlTracingTracerProviderBuilderExtensions.AddAopSqlTracing(builder).Build();

        Assert.NotNull(provider);
    }

    [Fact]
    public void AddAopSqlTracing_TracedSelect_ExportsClientSpan()
    {
        var exported = new List<Activity>();
        ActivityTraceId traceId;
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(TestSource.Name)
            .AddAopSqlTracing()
            .AddInMemoryExporter(exported)
            .Build())
        {
            traceId = RunSelectOne();
            Assert.True(provider.ForceFlush(5_000));
        }

        // The provider is disposed: nothing adds to the list any more.
        var spans = exported.Where(span => span.TraceId == traceId).ToList();
        var root = Assert.Single(spans, span => span.Source.Name == TestSource.Name);
        var sql = Assert.Single(spans, span => span.Source.Name == SqlTracing.ActivitySourceName);
        Assert.Equal("SELECT", sql.DisplayName);
        Assert.Equal(ActivityKind.Client, sql.Kind);
        Assert.Equal("sqlite", sql.GetTagItem("db.system.name"));
        Assert.Equal(root.SpanId, sql.ParentSpanId);
    }

    [Fact]
    public void Build_WithoutAddAopSqlTracing_ExportsNoSqlSpan()
    {
        var exported = new List<Activity>();
        ActivityTraceId traceId;
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(TestSource.Name)
            .AddInMemoryExporter(exported)
            .Build())
        {
            traceId = RunSelectOne();
            Assert.True(provider.ForceFlush(5_000));
        }

        var spans = exported.Where(span => span.TraceId == traceId).ToList();
        var root = Assert.Single(spans);
        Assert.Equal(TestSource.Name, root.Source.Name);
    }

    [Fact]
    public void AddAopSqlTracing_Builder_ReturnsSameBuilder()
    {
        var builder = Sdk.CreateTracerProviderBuilder();

        var returned = builder.AddAopSqlTracing();

        Assert.Same(builder, returned);
        using var provider = returned.Build();
    }

    [Fact]
    public void AddAopSqlTracing_NullBuilder_ThrowsArgumentNullException()
    {
        TracerProviderBuilder builder = null!;

        var error = Assert.Throws<ArgumentNullException>(() => builder.AddAopSqlTracing());

        Assert.Equal("builder", error.ParamName);
    }

    // The README's registration, then `SELECT 1` under a root span of the test's own source; returns its trace.
    private static ActivityTraceId RunSelectOne()
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:"))
            .InstancePerLifetimeScope();
        using var container = builder.Build();

        using var root = TestSource.StartActivity("test root");
        Assert.NotNull(root);

        using var scope = container.BeginLifetimeScope();
        var connection = scope.Resolve<DbConnection>();
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        Assert.Equal(1L, command.ExecuteScalar());

        return root.TraceId;
    }
}
