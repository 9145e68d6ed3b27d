using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace AopSqlTracing.Reliability.Secrets;

/// <summary>
/// Every attribute value of the library's measurements while it listens, as text: what a metrics exporter would
/// send beside the values. Meter listeners are global, so it also sees other tests' measurements, which only makes
/// the search wider.
/// </summary>
public sealed class MetricAttributes : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<string> _values = new();
    private int _measurements;

    public MetricAttributes()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SqlTracing.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) => Keep(tags));
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) => Keep(tags));
        _listener.Start();
    }

    public int Measurements => _measurements;

    public IReadOnlyCollection<string> Values => _values;

    public void Dispose() => _listener.Dispose();

    private void Keep(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Interlocked.Increment(ref _measurements);
        foreach (var tag in tags)
        {
            _values.Enqueue($"{tag.Key}={Convert.ToString(tag.Value, CultureInfo.InvariantCulture)}");
        }
    }
}
