using System.Diagnostics;
using AopSqlTracing.Engines;
using AopSqlTracing.Marks;
using AopSqlTracing.Statements;
using System.Runtime.CompilerServices;

namespace AopSqlTracing.Execution;

/// <summary>
/// Counts the statement shapes run under one unit of work's mark (the N+1 detector) and, when the unit of work ends,
/// says so once per shape that ran at least its threshold: a <c>db.repeated_statement</c> event on the unit of work's
/// span, and the repeated-statement counter. A shape seen before costs a locked dictionary look-up, no allocation.
/// </summary>
/// <remarks>Kept by the mark itself (<see cref="TraceMark.Watch"/>), so it lives and dies with the mark: nothing here refers to a scope, connection or context.</remarks>
internal sealed class RepeatedStatements : IUnitOfWorkWatch
{
    public const string EventName = "db.repeated_statement";
    public const string CountAttribute = "db.repeated_statement.count";
    public const string ThresholdAttribute = "db.repeated_statement.threshold";

    private static readonly Func<IUnitOfWorkWatch> Make = static () => new RepeatedStatements();

    private readonly Dictionary<string, Shape> _shapes = new(StringComparer.Ordinal);

    /// <summary>Counts one traced execution, described by <paramref name="description"/>, under <paramref name="unitOfWork"/>.</summary>
    // Off the common path: kept out of its callers' stack frames (a frame is zeroed whole on every call).
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Count(TraceMark unitOfWork, in SpanDescription description, ConnectionFacts facts, SqlTracingOptions options)
    {
        var shapes = ((RepeatedStatements)unitOfWork.Watch(Make))._shapes;
        lock (shapes)
        {
            if (shapes.TryGetValue(description.Shape!, out var shape))
            {
                shape.Count++;
            }
            else
            {
                shapes.Add(description.Shape!, new Shape(description, facts, options));
            }
        }
    }

    public void UnitOfWorkEnded(Activity? span)
    {
        try
        {
            Shape[] repeated;
            lock (_shapes)
            {
                repeated = [.. _shapes.Values.Where(shape => shape.Count >= shape.Threshold)];
                _shapes.Clear();
            }

            foreach (var shape in repeated)
            {
                if (span is { IsStopped: false, IsAllDataRequested: true })
                {
                    span.AddEvent(new ActivityEvent(EventName, tags: shape.EventTags()));
                }

                if (shape.Measured)
                {
                    SqlMetrics.RecordRepeatedStatement(shape.Description, shape.Facts);
                }
            }
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("repeated statements", exception);
        }
    }

    // One shape: what its first execution said of it, and how many ran.
    private sealed class Shape(in SpanDescription description, ConnectionFacts facts, SqlTracingOptions options)
    {
        public SpanDescription Description { get; } = description;

        public ConnectionFacts Facts { get; } = facts;

        public int Threshold { get; } = options.RepeatedStatementThreshold;

        public bool Measured { get; } = options.RecordMetrics;

        // The sanitised text (never values), as long as the options allow a query text at all.
        public string? Text { get; } = options.QueryText == QueryTextMode.None ? null : QueryTexts.Cut(description.Shape!, options.MaxQueryTextLength);

        public int Count { get; set; } = 1;

        public ActivityTagsCollection EventTags()
        {
            var tags = new ActivityTagsCollection
            {
                [DbAttributes.QuerySummary] = Description.Summary ?? Description.ProcedureName,
                [DbAttributes.OperationName] = Description.Operation,
                [DbAttributes.QueryText] = Text,
                [CountAttribute] = Count,
                [ThresholdAttribute] = Threshold,
            };
            return tags;
        }
    }
}
