using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Engines;
using AopSqlTracing.Marks;

namespace AopSqlTracing.Execution;

/// <summary>
/// One operation in flight that is traced, measured, or both: its span, the options it started under, what its
/// measurement needs (what ran, on which connection, since when), and what must be put back when it ends (the
/// command text a sqlcommenter comment was added to). Made only by <see cref="SqlDoor"/>; ended by whoever holds it
/// when the work ends (the door itself, <see cref="Completion"/>, a reader, an enumeration), which hands it on rather
/// than keeping a copy.
/// </summary>
/// <remarks>A struct: an operation that is neither traced nor measured, or runs synchronously, allocates nothing for it.</remarks>
internal readonly struct SqlOperation
{
    private readonly DbCommand? _commentedCommand;
    private readonly string? _originalText;
    // What the measurement reads its attributes from (a description's Source), not the description: one reference
    // keeps the operation small, and it is copied whole wherever it goes. Null when the operation is not measured.
    private readonly object? _measuredAs;
    private readonly ConnectionFacts? _facts;
    private readonly long _startTimestamp;

    // A multiplication where a division would be: the JIT takes a static readonly value as a constant.
    private static readonly double SecondsPerTick = 1.0 / Stopwatch.Frequency;

    /// <summary>An operation traced by <paramref name="activity"/> (when not null), measured when <paramref name="measuredAs"/> is not null.</summary>
    /// <param name="activity">The span, or null.</param>
    /// <param name="options">The options that apply.</param>
    /// <param name="facts">The connection it runs on; null for a repository call.</param>
    /// <param name="measuredAs">The <see cref="SpanDescription.Source"/> of what runs, when it is measured; else null.</param>
    /// <param name="commentedCommand">The command a sqlcommenter comment was added to, or null.</param>
    /// <param name="originalText">Its text before the comment.</param>
    public SqlOperation(
        Activity? activity,
        SqlTracingOptions options,
        ConnectionFacts? facts,
        object? measuredAs = null,
        DbCommand? commentedCommand = null,
        string? originalText = null)
    {
        Activity = activity;
        Options = options;
        _facts = facts;
        _measuredAs = measuredAs;

        // A traced operation's duration is its span's; an untraced one is timed here.
        _startTimestamp = activity is null && measuredAs is not null ? Stopwatch.GetTimestamp() : 0;
        _commentedCommand = commentedCommand;
        _originalText = originalText;
    }

    /// <summary>Gets the span; null when the operation is not traced.</summary>
    public Activity? Activity { get; }

    /// <summary>
    /// Gets the unit of work a repository call's span is the parent of (the SQL inside it runs under this mark); it
    /// ends, telling the span of repeated statements, just before the span stops.
    /// </summary>
    public TraceMark? UnitOfWork { get; init; }

    /// <summary>Gets the facts of the connection it runs on; null for a repository call.</summary>
    public ConnectionFacts? Facts => _facts;

    /// <summary>Gets the options that apply.</summary>
    public SqlTracingOptions? Options { get; }

    public bool IsTraced => Activity is not null;

    /// <summary>Gets whether there is anything to end: a span, a measurement, or both.</summary>
    public bool IsActive => Activity is not null || _measuredAs is not null;

    public void Complete() => End(null);

    public void Fail(Exception exception) => End(exception);

    /// <summary>
    /// Ends an operation begun for a call that ran at once, its span current for it (<c>SqlDoor.BeginCall</c>),
    /// in the flow that began it: stopping the span puts back <paramref name="caller"/>.
    /// </summary>
    /// <param name="failure">What the call threw, or null.</param>
    /// <param name="caller">The activity that was current before the operation began.</param>
    public void EndInCall(Exception? failure, Activity? caller) => End(failure, returnedRows: null, inCall: true, caller);

    /// <summary>Ends the span and records the measurement: successful when <paramref name="failure"/> is null.</summary>
    /// <param name="failure">What the work threw, or null.</param>
    /// <param name="returnedRows">The rows a reader handed out, for a reader's operation.</param>
    public void End(Exception? failure, long? returnedRows = null) => End(failure, returnedRows, inCall: false, caller: null);

    private void End(Exception? failure, long? returnedRows, bool inCall, Activity? caller)
    {
        if (!IsActive)
        {
            return;
        }

        if (_commentedCommand is not null)
        {
            TraceComments.Restore(_commentedCommand, _originalText);
        }

        UnitOfWork?.End();
        double seconds;
        if (Activity is { } activity)
        {
            if (returnedRows is { } rows)
            {
                SqlAttributes.AddReturnedRows(activity, rows);
            }

            if (failure is not null)
            {
                SpanLifecycle.MarkFailed(activity, failure, Options!, _facts?.Engine ?? DbEngine.Other);
            }

            if (inCall)
            {
                SpanLifecycle.StopCurrent(activity, caller);
            }
            else
            {
                SpanLifecycle.Stop(activity);
            }

            seconds = activity.Duration.TotalSeconds;
        }
        else
        {
            seconds = (Stopwatch.GetTimestamp() - _startTimestamp) * SecondsPerTick;
        }

        if (_measuredAs is not null)
        {
            SqlMetrics.Record(seconds, _measuredAs, _facts!, failure, returnedRows);
        }
    }
}
