using System.Diagnostics;
using AopSqlTracing;
using AopSqlTracing.EntityFrameworkCore.Internal;

namespace Microsoft.EntityFrameworkCore;

/// <summary>
/// Marks a <see cref="DbContext"/> for tracing (the seed's Session): its statements are traced, as children of the
/// given span, until its transaction commits or rolls back: <c>SaveChanges</c> in its implicit transaction, or an
/// explicit <c>Database.BeginTransaction()</c>; savepoints keep the mark. Requires <c>UseSqlTracing</c> on the context.
/// </summary>
/// <remarks>
/// Parents, innermost first: the command's mark, the enclosing traced repository call, the connection's mark, the
/// context's mark, the nearest marked lifetime scope, <see cref="Activity.Current"/>, a new root. The mark holds the
/// parent's context only, beside the context object, so it keeps neither alive.
/// </remarks>
public static class SqlTracingDbContextExtensions
{
    /// <summary>Traces the context's statements until its transaction ends, under the usual parent.</summary>
    /// <param name="context">A context configured with <c>UseSqlTracing</c>.</param>
    public static void SetTraced(this DbContext context) => ContextMarks.Set(Checked(context), (ActivityContext?)null);

    /// <summary>Traces the context's statements until its transaction ends, as children of <paramref name="span"/>.</summary>
    /// <param name="context">A context configured with <c>UseSqlTracing</c>.</param>
    /// <param name="span">A started span; its context is kept, and the span only weakly (to hear of repeated statements).</param>
    public static void SetParentSpan(this DbContext context, Activity span)
    {
        ArgumentNullException.ThrowIfNull(span);
        _ = Valid(span.Context, nameof(span));
        ContextMarks.Set(Checked(context), span);
    }

    /// <summary>Traces the context's statements until its transaction ends, under a parent known by its context.</summary>
    /// <param name="context">A context configured with <c>UseSqlTracing</c>.</param>
    /// <param name="parent">A valid (non-default) span context.</param>
    public static void SetParentSpan(this DbContext context, ActivityContext parent) => ContextMarks.Set(Checked(context), Valid(parent, nameof(parent)));

    /// <summary>Removes the context's mark; spans already made are not affected.</summary>
    /// <param name="context">Any context.</param>
    public static void ClearTraced(this DbContext context) => ContextMarks.Clear(Checked(context));

    /// <summary>Tells whether the context is marked for tracing.</summary>
    /// <param name="context">Any context.</param>
    /// <returns><see langword="true"/> when marked.</returns>
    public static bool GetTraced(this DbContext context) => ContextMarks.Get(Checked(context)).IsMarked;

    /// <summary>Gets the parent the context is marked with, if any.</summary>
    /// <param name="context">Any context.</param>
    /// <returns>The parent's context, or <see langword="null"/> when unmarked or marked without a parent.</returns>
    public static ActivityContext? GetParentSpan(this DbContext context) => ContextMarks.Get(Checked(context)).Parent;

    /// <summary>Tells whether the context is marked with a parent span.</summary>
    /// <param name="context">Any context.</param>
    /// <returns><see langword="true"/> when a parent was given.</returns>
    public static bool HasParentSpan(this DbContext context) => GetParentSpan(context).HasValue;

    private static ActivityContext Valid(ActivityContext parent, string name) => parent == default
        ? throw new ArgumentException("A parent span context must be a valid context: a started Activity's Context or one extracted from a propagated trace, not default.", name)
        : parent;

    private static DbContext Checked(DbContext context, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(context))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(context, name);
        return context;
    }
}
