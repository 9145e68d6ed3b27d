using System.Data.Common;
using System.Diagnostics;

namespace AopSqlTracing.Execution;

/// <summary>
/// One traced execution in flight: its span, the options it was started under, and what must be put back when it
/// ends (the command text a sqlcommenter comment was added to). Made only by <see cref="ExecutionGate"/>; ended
/// exactly once, by whoever holds it when the work ends (<see cref="Completion"/>, a reader, an async stream).
/// </summary>
/// <remarks>A struct: a command that is not traced, or runs synchronously, costs no allocation for it.</remarks>
internal readonly struct TracedExecution
{
    private readonly DbCommand? _commentedCommand;
    private readonly string? _originalText;

    public TracedExecution(Activity activity, SqlTracingOptions options, DbCommand? commentedCommand = null, string? originalText = null)
    {
        Activity = activity;
        Options = options;
        _commentedCommand = commentedCommand;
        _originalText = originalText;
    }

    /// <summary>Gets the span; null when the execution is not traced (then ending it does nothing).</summary>
    public Activity? Activity { get; }

    /// <summary>Gets the options that apply to the span.</summary>
    public SqlTracingOptions? Options { get; }

    public bool IsTraced => Activity is not null;

    public void Complete() => End(null);

    public void Fail(Exception exception) => End(exception);

    /// <summary>Ends the span: successful when <paramref name="failure"/> is null, failed with it otherwise.</summary>
    /// <param name="failure">What the work threw, or null.</param>
    /// <param name="returnedRows">The rows a reader handed out, for a reader's span.</param>
    public void End(Exception? failure, long? returnedRows = null)
    {
        if (Activity is not { } activity)
        {
            return;
        }

        TraceComments.Restore(_commentedCommand, _originalText);
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
    }
}
