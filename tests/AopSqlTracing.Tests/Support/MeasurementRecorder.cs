using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AopSqlTracing.Tests.Support;

/// <summary>
/// Records the library's measurements with a <see cref="MeterListener"/>. Meter listeners are global: a test keeps
/// only the measurements of its own table (<c>db.collection.name</c>), so tests running in parallel never mix. A test
/// that runs alone (<see cref="RunsAloneGroup"/>) may pass null to keep the measurements that name no table (a transaction's steps).
/// </summary>
public sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly string? _collection;

    public MeasurementRecorder(string? collection)
    {
        _collection = collection;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SqlTracing.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Keep(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Gets the measurements of <c>db.client.operation.duration</c> on this test's table.</summary>
    public IReadOnlyList<Measurement> Durations => [.. _measurements.Where(m => m.Instrument == "db.client.operation.duration")];

    /// <summary>Gets the measurements of <c>db.client.response.returned_rows</c> on this test's table.</summary>
    public IReadOnlyList<Measurement> ReturnedRows => [.. _measurements.Where(m => m.Instrument == "db.client.response.returned_rows")];

    /// <summary>Gets the measurements of <c>aopsqltracing.repeated_statements</c> on this test's table.</summary>
    public IReadOnlyList<Measurement> RepeatedStatements => [.. _measurements.Where(m => m.Instrument == "aopsqltracing.repeated_statements")];

    public void Dispose() => _listener.Dispose();

    private void Keep(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var attributes = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            attributes[tag.Key] = tag.Value;
        }

        if (Equals(attributes.GetValueOrDefault("db.collection.name"), _collection))
        {
            _measurements.Enqueue(new Measurement(instrument.Name, instrument.Unit, value, attributes));
        }
    }

    /// <summary>One recorded value with its instrument and attributes.</summary>
    public sealed record Measurement(string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, object?> Attributes);
}
