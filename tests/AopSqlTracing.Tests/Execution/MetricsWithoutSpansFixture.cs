using System.Diagnostics;
using AopSqlTracing.Tests.Support;

namespace AopSqlTracing.Tests.Execution;

/// <summary>
/// A metrics-only application: measurements are recorded with no trace listener at all, and a listener that samples
/// nothing gets no Activity made for the measurement's sake. Activity listeners are global, so these run alone.
/// </summary>
[Collection(RunsAloneGroup.Name)]
public sealed class MetricsWithoutSpansFixture
{
    [Fact]
    public void NoActivityListenerAtAll_CommandIsMeasured()
    {
        using var probe = new ActivitySource(SqlTracing.ActivitySourceName);
        Assert.False(probe.HasListeners());
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        connection.Execute("CREATE TEMP TABLE metrics_only (id INTEGER PRIMARY KEY)");
        using var metrics = new MeasurementRecorder("metrics_only");

        connection.Execute("SELECT id FROM metrics_only");

        Assert.Equal("SELECT", Assert.Single(metrics.Durations).Attributes["db.operation.name"]);
    }

    [Fact]
    public void ListenerSamplingNothing_NoActivityIsMadeAndTheCommandIsMeasured()
    {
        var started = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SqlTracing.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStarted = _ => Interlocked.Increment(ref started),
        };
        ActivitySource.AddActivityListener(listener);
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        connection.Execute("CREATE TEMP TABLE sampled_out (id INTEGER PRIMARY KEY)");
        using var metrics = new MeasurementRecorder("sampled_out");

        using (var reader = connection.Command("SELECT id FROM sampled_out").ExecuteReader())
        {
            Assert.False(reader.Read());
        }

        Assert.Equal(0, started);
        Assert.Single(metrics.Durations);
        Assert.Equal(0d, Assert.Single(metrics.ReturnedRows).Value);
    }

    [Fact]
    public void TransactionSteps_EachMeasuredAsItsOperation()
    {
        using var container = TestContainers.Sqlite(o => o.TraceTransactions = true);
        using var connection = container.OpenConnection();
        using var metrics = new MeasurementRecorder(collection: null);

        using (var transaction = connection.BeginTransaction())
        {
            transaction.Commit();
        }

        using (var transaction = connection.BeginTransaction())
        {
            transaction.Rollback();
        }

        Assert.Equal(["BEGIN", "COMMIT", "BEGIN", "ROLLBACK"], metrics.Durations.Select(d => d.Attributes["db.operation.name"]));
        Assert.Equal(["BEGIN", "COMMIT", "BEGIN", "ROLLBACK"], metrics.Durations.Select(d => d.Attributes["db.query.summary"]));
    }
}
