using System.Data.Common;
using System.Diagnostics;

namespace AopSqlTracing.Execution;

/// <summary>
/// One execution in flight that is traced, measured, or both: its span, the options it started under, what its
/// measurement needs (what ran, on which connection, since when), and what must be put back when it ends (the
/// command text a sqlcommenter comment was added to). Made only by <see cref="ExecutionGate"/>; ended exactly once,
/// by whoever holds it when the work ends (<see cref="Completion"/>, a reader, an enumeration).
/// </summary>
/// <remarks>A struct: an execution that is neither traced nor measured, or runs synchronously, allocates nothing for it.</remarks>
internal readonly struct TracedExecution
{
    private readonly DbCommand? _commentedCommand;
    private readonly string? _originalText;
    private readonly SpanDescription _description;
    private readonly ConnectionFacts? _measuredOn;
    private readonly long _startTimestamp;

    /// <summary>An execution traced by <paramref name="activity"/> (when not null) and measured when <paramref name="measuredOn"/> is given.</summary>
    public TracedExecution(
        Activity? activity,
        SqlTracingOptions options,
        in SpanDescription description = default,
        ConnectionFacts? measuredOn = null,
        DbCommand? commentedCommand = null,
        string? originalText = null)
    {
        Activity = activity;
        Options = options;
        _description = description;
        _measuredOn = measuredOn;

        // A traced execution's duration is its span's; an untraced one is timed here.
        _startTimestamp = activity is null && measuredOn is not null ? Stopwatch.GetTimestamp() : 0;
        _commentedCommand = commentedCommand;
        _originalText = originalText;
    }

    /// <summary>Gets the span; null when the execution is not traced.</summary>
    public Activity? Activity { get; }

    /// <summary>Gets the options that apply.</summary>
    public SqlTracingOptions? Options { get; }

    public bool IsTraced => Activity is not null;

    /// <summary>Gets whether there is anything to end: a span, a measurement, or both.</summary>
    public bool IsActive => Activity is not null || _measuredOn is not null;

    public void Complete() => End(null);

    public void Fail(Exception exception) => End(exception);

    /// <summary>Ends the span and records the measurement: successful when <paramref name="failure"/> is null.</summary>
    /// <param name="failure">What the work threw, or null.</param>
    /// <param name="returnedRows">The rows a reader handed out, for a reader's execution.</param>
    public void End(Exception? failure, long? returnedRows = null)
    {
        if (!IsActive)
        {
            return;
        }

        TraceComments.Restore(_commentedCommand, _originalText);
        var seconds = 0d;
        if (Activity is { } activity)
        {
            if (returnedRows is { } rows)
            {
                SpanTags.AddReturnedRows(activity, rows);
            }

            if (failure is null)
            {
                SpanLifecycle.Stop(activity);
            }
            else
            {
                SpanLifecycle.Fail(activity, failure, Options!);
            }

            seconds = activity.Duration.TotalSeconds;
        }
        else
        {
            seconds = Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
        }

        if (_measuredOn is { } facts)
        {
            SqlMetrics.Record(seconds, _description, facts, failure, returnedRows);
        }
    }
}
