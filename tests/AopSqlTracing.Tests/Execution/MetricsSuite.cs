using System.Data.Common;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Execution;

/// <summary>
/// <c>db.client.operation.duration</c> and <c>db.client.response.returned_rows</c>: one measurement per command,
/// batch and closed reader, with low-cardinality attributes only, traced or not.
/// </summary>
public abstract class MetricsSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    private readonly string _table = "metrics_" + Guid.NewGuid().ToString("N")[..12];

    [SkippableFact]
    public void Command_Traced_OneDurationEqualToTheSpansWithItsAttributes()
    {
        using var connection = OpenWithTable();
        using var metrics = new MeasurementRecorder(_table);

        connection.Command($"SELECT id FROM {_table} WHERE name = 'secret-value'").ExecuteScalar();

        var duration = Assert.Single(metrics.Durations);
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("s", duration.Unit);
        Assert.Equal(span.Duration.TotalSeconds, duration.Value);
        Assert.Equal(Provider.SystemName, duration.Attributes["db.system.name"]);
        Assert.Equal(Provider.DatabaseName, duration.Attributes["db.namespace"]);
        Assert.Equal("SELECT", duration.Attributes["db.operation.name"]);
        Assert.Equal($"SELECT {_table}", duration.Attributes["db.query.summary"]);
        Assert.Equal(Provider.SystemName != "sqlite", duration.Attributes.ContainsKey("server.address"));
        Assert.DoesNotContain("db.query.text", duration.Attributes.Keys);
        Assert.DoesNotContain(duration.Attributes.Values, value => value is string text && text.Contains("secret", StringComparison.Ordinal));
        Assert.Empty(metrics.ReturnedRows);
    }

    [SkippableFact]
    public void Reader_Closed_OneDurationAndTheRowsRead()
    {
        using var connection = OpenWithTable();
        using var metrics = new MeasurementRecorder(_table);

        using (var reader = connection.Command($"SELECT name FROM {_table}").ExecuteReader())
        {
            while (reader.Read())
            {
            }

            Assert.Empty(metrics.Durations);
        }

        var duration = Assert.Single(metrics.Durations);
        var rows = Assert.Single(metrics.ReturnedRows);
        Assert.Equal("{row}", rows.Unit);
        Assert.Equal(3d, rows.Value);
        Assert.Equal(Assert.Single(Recorder.Spans).Duration.TotalSeconds, duration.Value);
    }

    [SkippableFact]
    public async Task AsyncCommandAndAsyncReader_EachOneMeasurement()
    {
        await using var connection = OpenWithTable();
        using var metrics = new MeasurementRecorder(_table);

        await connection.Command($"UPDATE {_table} SET name = name").ExecuteNonQueryAsync();
        await using (var reader = await connection.Command($"SELECT name FROM {_table}").ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
        }

        Assert.Equal(["UPDATE", "SELECT"], metrics.Durations.Select(m => m.Attributes["db.operation.name"]));
        Assert.Equal(1d, Assert.Single(metrics.ReturnedRows).Value);
    }

    [SkippableFact]
    public void FailingCommand_RecordsErrorTypeAndStatusCode()
    {
        using var connection = OpenWithTable();
        using var metrics = new MeasurementRecorder(_table);

        var thrown = Assert.ThrowsAny<DbException>(() => connection.Execute($"INSERT INTO {_table} (id, name) VALUES (1, 'again')"));

        var duration = Assert.Single(metrics.Durations);
        Assert.Equal(thrown.GetType().FullName, duration.Attributes["error.type"]);
        Assert.True(duration.Attributes.ContainsKey("db.response.status_code"));
    }

    [SkippableFact]
    public void TraceAllCommandsOffAndNothingMarked_MeasuredWithoutASpan()
    {
        using var connection = OpenWithTable(o => o.TraceAllCommands = false);
        using var metrics = new MeasurementRecorder(_table);

        connection.Execute($"UPDATE {_table} SET name = name");

        Assert.Single(metrics.Durations);
        Assert.Empty(Recorder.StartedSpans);
    }

    [SkippableFact]
    public void RecordMetricsOff_RecordsNothing()
    {
        using var connection = OpenWithTable(o => o.RecordMetrics = false);
        using var metrics = new MeasurementRecorder(_table);

        connection.Execute($"UPDATE {_table} SET name = name");
        using (var reader = connection.Command($"SELECT name FROM {_table}").ExecuteReader())
        {
            while (reader.Read())
            {
            }
        }

        Assert.Empty(metrics.Durations);
        Assert.Empty(metrics.ReturnedRows);
        Assert.Equal(2, Recorder.Spans.Count);
    }

    [SkippableFact]
    public void Batch_OneMeasurement()
    {
        using var connection = OpenWithTable();
        using var metrics = new MeasurementRecorder(_table);
        Skip.IfNot(connection.CanCreateBatch, $"{Provider.SystemName} has no batches.");
        using var batch = connection.CreateBatch();
        foreach (var name in new[] { "x", "y" })
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = $"INSERT INTO {_table} (name) VALUES ('{name}')";
            batch.BatchCommands.Add(command);
        }

        batch.ExecuteNonQuery();

        var duration = Assert.Single(metrics.Durations);
        Assert.Equal("BATCH INSERT", duration.Attributes["db.operation.name"]);
    }

    [SkippableFact]
    public async Task SixteenThreads_FiveThousandCommandsEach_ExactlyOneMeasurementPerCommand()
    {
        RequireProvider();
        using var metrics = new MeasurementRecorder(_table);
        var container = Container(o => o.TraceAllCommands = false);
        var shared = Provider.SystemName != "sqlite"; // an in-memory SQLite database is its connection's own
        using var setup = container.OpenConnection();
        if (shared)
        {
            CreateTable(setup, temporary: false);
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
            {
                using var scope = container.BeginLifetimeScope();
                using var connection = scope.OpenConnection();
                if (!shared)
                {
                    CreateTable(connection);
                }

                using var command = connection.Command($"SELECT count(*) FROM {_table}");
                for (var i = 0; i < 5_000; i++)
                {
                    command.ExecuteScalar();
                }
            })));
        }
        finally
        {
            if (shared)
            {
                setup.Execute($"DROP TABLE {_table}");
            }
        }

        Assert.Equal(80_000, metrics.Durations.Count(m => Equals(m.Attributes["db.operation.name"], "SELECT")));
    }

    private DbConnection OpenWithTable(Action<SqlTracingOptions>? configure = null)
    {
        var connection = Open(configure);
        CreateTable(connection);
        Recorder.Clear();
        return connection;
    }

    // A TEMPORARY table is private to its connection and goes with it; the load test's shared one is dropped by the test.
    private void CreateTable(DbConnection connection, bool temporary = true)
    {
        connection.Execute($"CREATE {(temporary ? "TEMPORARY " : string.Empty)}TABLE {_table} (id {Provider.IdentityColumn}, name VARCHAR(100) NOT NULL)");
        connection.Execute($"INSERT INTO {_table} (name) VALUES ('a'), ('b'), ('c')");
    }
}

public sealed class SqliteMetrics : MetricsSuite<SqliteProvider>;

public sealed class PostgresMetrics : MetricsSuite<PostgresProvider>;

public sealed class MariaDbMetrics : MetricsSuite<MariaDbProvider>;
