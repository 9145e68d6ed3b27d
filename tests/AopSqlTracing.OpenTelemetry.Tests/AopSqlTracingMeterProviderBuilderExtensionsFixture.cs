using System.Data.Common;
using Autofac;
using Microsoft.Data.Sqlite;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AopSqlTracing.OpenTelemetry.Tests;

/// <summary>
/// <c>AddAopSqlTracing()</c> on an OpenTelemetry meter provider, with the in-memory exporter: the histograms, their
/// bucket advice, and their attributes, with no tracer provider at all.
/// </summary>
public sealed class AopSqlTracingMeterProviderBuilderExtensionsFixture
{
    [Fact]
    public void AddAopSqlTracing_CommandsWithoutAnyTracer_ExportDurationAndRowsWithTheAdvisedBuckets()
    {
        var table = "otel_" + Guid.NewGuid().ToString("N")[..12];
        var exported = new List<Metric>();
        using var provider = Sdk.CreateMeterProviderBuilder().AddAopSqlTracing().AddInMemoryExporter(exported).Build();
        RunOnTable(table);
        Assert.True(provider.ForceFlush(5_000));

        var duration = Assert.Single(exported, metric => metric.Name == "db.client.operation.duration");
        Assert.Equal("s", duration.Unit);
        var select = Assert.Single(Points(duration), point => Tag(point, "db.collection.name") == table && Tag(point, "db.operation.name") == "SELECT");
        Assert.Equal(2, select.GetHistogramCount());
        Assert.Equal(
            [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, double.PositiveInfinity],
            Bounds(select));
        Assert.Equal("sqlite", Tag(select, "db.system.name"));
        Assert.Null(Tag(select, "db.query.text"));

        var rows = Assert.Single(exported, metric => metric.Name == "db.client.response.returned_rows");
        var readerRows = Assert.Single(Points(rows), point => Tag(point, "db.collection.name") == table);
        Assert.Equal(1, readerRows.GetHistogramCount());
        Assert.Equal(3, readerRows.GetHistogramSum());
        Assert.Equal([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, double.PositiveInfinity], Bounds(readerRows));
    }

    [Fact]
    public void AddAopSqlTracing_NullBuilder_ThrowsArgumentNullException()
        => Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((MeterProviderBuilder)null!).AddAopSqlTracing()).ParamName);

    // One scalar SELECT and one reader over three rows, on a traced SQLite database as the README registers it.
    private static void RunOnTable(string table)
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:")).InstancePerLifetimeScope();
        using var container = builder.Build();
        using var connection = container.Resolve<DbConnection>();
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE TEMP TABLE {table} (id INTEGER PRIMARY KEY); INSERT INTO {table} VALUES (1), (2), (3)";
        command.ExecuteNonQuery();
        command.CommandText = $"SELECT count(*) FROM {table}";
        command.ExecuteScalar();
        command.CommandText = $"SELECT id FROM {table}";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
        }
    }

    private static List<MetricPoint> Points(Metric metric)
    {
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            points.Add(point);
        }

        return points;
    }

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }

    private static List<double> Bounds(MetricPoint point)
    {
        var bounds = new List<double>();
        foreach (var bucket in point.GetHistogramBuckets())
        {
            bounds.Add(bucket.ExplicitBound);
        }

        return bounds;
    }
}
