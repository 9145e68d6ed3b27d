using System.Diagnostics.Metrics;

namespace AopSqlTracing.Benchmarks;

/// <summary>A MeterListener on the library's meter whose callback only counts: the cost of being measured, not of aggregating.</summary>
public static class MeasurementListener
{
    private static long _count;

    public static long Count => Interlocked.Read(ref _count);

    public static MeterListener Start()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SqlTracing.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => _count++);
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => _count++);
        listener.Start();
        return listener;
    }
}
