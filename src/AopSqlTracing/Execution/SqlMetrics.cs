using System.Diagnostics;
using System.Diagnostics.Metrics;
using AopSqlTracing.Engines;
using AopSqlTracing.Statements;
using System.Runtime.CompilerServices;

namespace AopSqlTracing.Execution;

/// <summary>
/// Owns the library's <see cref="Meter"/> and its instruments: the stable OpenTelemetry database client metrics, and the repeated-statement counter;
/// and is the only code that records them. Attributes are low-cardinality only (never the text or a parameter) and
/// go in a stack-allocated <see cref="TagList"/>, so a measurement allocates nothing of ours.
/// </summary>
internal static class SqlMetrics
{
    private static readonly Meter Meter = new(SqlTracing.MeterName, typeof(SqlMetrics).Assembly.GetName().Version?.ToString(3));

    private static readonly Histogram<double> Duration = Meter.CreateHistogram(
        "db.client.operation.duration",
        unit: "s",
        description: "Duration of database client operations.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10] });

    private static readonly Histogram<long> ReturnedRows = Meter.CreateHistogram(
        "db.client.response.returned_rows",
        unit: "{row}",
        description: "The actual number of records returned by the database operation.",
        tags: null,
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000] });

    private static readonly Counter<long> RepeatedStatements = Meter.CreateCounter<long>(
        "aopsqltracing.repeated_statements",
        unit: "{shape}",
        description: "Statement shapes that ran at least the repeated-statement threshold within one unit of work (N+1 queries).");

    /// <summary>Gets whether anyone listens to the duration: checked before any measuring work.</summary>
    public static bool Enabled => Duration.Enabled;

    /// <summary>Records one operation's duration, and a reader's rows, with the attributes of what ran.</summary>
    /// <param name="seconds">How long the operation took; the span's duration when it was traced.</param>
    /// <param name="source">What ran: the <see cref="SpanDescription.Source"/> of its description.</param>
    /// <param name="facts">The connection it ran on.</param>
    /// <param name="failure">What it threw, or null.</param>
    /// <param name="returnedRows">The rows a reader handed out, or null for an operation without one.</param>
    // Not inlined: its try/catch stays out of its callers' frames.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Record(double seconds, object source, ConnectionFacts facts, Exception? failure, long? returnedRows)
    {
        try
        {
            // A command run before: its attributes are ready, nothing is built.
            if (failure is null && source is DescribedCommand ready)
            {
                var attributes = new ReadOnlySpan<KeyValuePair<string, object?>>(ready.MeasurementTags);
                Duration.Record(seconds, attributes);
                if (returnedRows is { } count && ReturnedRows.Enabled)
                {
                    ReturnedRows.Record(count, attributes);
                }

                return;
            }

            RecordBuilt(seconds, source, facts, failure, returnedRows);
        }
        catch (Exception exception)
        {
            // A meter listener that throws costs the measurement, never the database call.
            SqlTracingEventSource.Log.TracingFailed("metrics", exception);
        }
    }

    // The attributes built for this measurement: a first run, a failure, a batch. Not inlined: the attribute list on
    // the stack would otherwise be zeroed in every measurement's frame, also a ready command's.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RecordBuilt(double seconds, object source, ConnectionFacts facts, Exception? failure, long? returnedRows)
    {
        var tags = default(MeasurementTags);
        switch (source)
        {
            case DescribedCommand described:
                SqlAttributes.AddOperation(ref tags, described.Description, facts);
                break;
            case StatementInfo statement:
                SqlAttributes.AddOperation(ref tags, statement.Operation, statement.Collection, statement.Summary, statement.Procedure, facts);
                break;
            case BatchStatements batch:
                SqlAttributes.AddOperation(ref tags, batch.Operation, batch.Collection, batch.Summary, procedure: null, facts);
                break;
        }

        if (failure is not null)
        {
            SqlAttributes.AddFailure(ref tags, failure, facts.Engine);
        }

        Duration.Record(seconds, tags.List);
        if (returnedRows is { } rows && ReturnedRows.Enabled)
        {
            ReturnedRows.Record(rows, tags.List);
        }
    }

    /// <summary>Counts one shape found repeated in a unit of work, with the attributes of what ran (no text).</summary>
    public static void RecordRepeatedStatement(in SpanDescription description, ConnectionFacts facts)
    {
        try
        {
            if (RepeatedStatements.Enabled)
            {
                var tags = default(MeasurementTags);
                SqlAttributes.AddOperation(ref tags, description, facts);
                RepeatedStatements.Add(1, tags.List);
            }
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("metrics", exception);
        }
    }

    // A measurement's attributes, on the stack.
    private struct MeasurementTags : IAttributeSink
    {
        public TagList List;

        public void Add(string key, object? value)
        {
            if (value is not null)
            {
                List.Add(key, value);
            }
        }
    }
}
