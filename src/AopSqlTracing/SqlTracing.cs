using System.Data;
using System.Diagnostics;
using AopSqlTracing.Marks;
using AopSqlTracing.Proxies;
using Autofac;

namespace AopSqlTracing;

/// <summary>
/// Marks commands, connections and lifetime scopes for tracing, with or without a parent span, and reads the marks back.
/// </summary>
/// <remarks>
/// A mark on a command is used up by its next execution. A mark on a connection holds until its transaction
/// commits or rolls back, or until <c>ClearTraced</c>; so does a mark on a lifetime scope, which also ends with the scope. Marks are kept beside the objects (never inside them) and
/// hold only the parent's <see cref="ActivityContext"/>, so they keep neither the object nor the parent span alive.
/// </remarks>
public static class SqlTracing
{
    /// <summary>The name of the <see cref="ActivitySource"/> every span of this library comes from; add it to your tracer provider.</summary>
    public const string ActivitySourceName = "AopSqlTracing";

    /// <summary>
    /// The name of the <see cref="System.Diagnostics.Metrics.Meter"/> of this library's metrics
    /// (<c>db.client.operation.duration</c>, <c>db.client.response.returned_rows</c>); add it to your meter provider.
    /// </summary>
    public const string MeterName = "AopSqlTracing";

    /// <summary>Marks <paramref name="command"/> for tracing at its next execution, under the usual parent.</summary>
    /// <param name="command">A command made by a traced connection.</param>
    public static void SetTraced(this IDbCommand command) => MarkTable.Set(Owner(command), TraceMark.WithoutParent);

    /// <summary>Marks <paramref name="command"/> for tracing at its next execution, as a child of <paramref name="span"/>.</summary>
    /// <param name="command">A command made by a traced connection.</param>
    /// <param name="span">A started span; only its context is kept.</param>
    public static void SetParentSpan(this IDbCommand command, Activity span) => MarkTable.Set(Owner(command), Mark(span));

    /// <summary>Marks <paramref name="command"/> for tracing under a parent known by its context, such as one from another process.</summary>
    /// <param name="command">A command made by a traced connection.</param>
    /// <param name="parent">A valid (non-default) span context.</param>
    public static void SetParentSpan(this IDbCommand command, ActivityContext parent) => MarkTable.Set(Owner(command), Mark(parent));

    /// <summary>Removes the command's mark; spans already made are not affected.</summary>
    /// <param name="command">Any command.</param>
    public static void ClearTraced(this IDbCommand command) => MarkTable.Clear(Owner(command));

    /// <summary>Tells whether the command is marked for tracing.</summary>
    /// <param name="command">Any command.</param>
    /// <returns><see langword="true"/> when marked.</returns>
    public static bool GetTraced(this IDbCommand command) => MarkTable.Get(Owner(command)) is not null;

    /// <summary>Gets the parent the command is marked with, if any.</summary>
    /// <param name="command">Any command.</param>
    /// <returns>The parent's context, or <see langword="null"/> when unmarked or marked without a parent.</returns>
    public static ActivityContext? GetParentSpan(this IDbCommand command) => MarkTable.Get(Owner(command))?.Parent;

    /// <summary>Tells whether the command is marked with a parent span.</summary>
    /// <param name="command">Any command.</param>
    /// <returns><see langword="true"/> when a parent was given.</returns>
    public static bool HasParentSpan(this IDbCommand command) => GetParentSpan(command).HasValue;

    /// <summary>Traces every command run on <paramref name="connection"/> until its transaction ends, under the usual parent.</summary>
    /// <param name="connection">A traced connection.</param>
    public static void SetTraced(this IDbConnection connection) => MarkTable.Set(Owner(connection), TraceMark.WithoutParent);

    /// <summary>Traces every command run on <paramref name="connection"/> until its transaction ends, as children of <paramref name="span"/>.</summary>
    /// <param name="connection">A traced connection.</param>
    /// <param name="span">A started span; only its context is kept.</param>
    public static void SetParentSpan(this IDbConnection connection, Activity span) => MarkTable.Set(Owner(connection), Mark(span));

    /// <summary>Traces every command run on <paramref name="connection"/> until its transaction ends, under a parent known by its context.</summary>
    /// <param name="connection">A traced connection.</param>
    /// <param name="parent">A valid (non-default) span context.</param>
    public static void SetParentSpan(this IDbConnection connection, ActivityContext parent) => MarkTable.Set(Owner(connection), Mark(parent));

    /// <summary>Stops tracing the connection's commands from now on without touching spans already made.</summary>
    /// <param name="connection">Any connection.</param>
    public static void ClearTraced(this IDbConnection connection) => MarkTable.Clear(Owner(connection));

    /// <summary>Tells whether the connection is marked for tracing.</summary>
    /// <param name="connection">Any connection.</param>
    /// <returns><see langword="true"/> when marked.</returns>
    public static bool GetTraced(this IDbConnection connection) => MarkTable.Get(Owner(connection)) is not null;

    /// <summary>Gets the parent the connection is marked with, if any.</summary>
    /// <param name="connection">Any connection.</param>
    /// <returns>The parent's context, or <see langword="null"/> when unmarked or marked without a parent.</returns>
    public static ActivityContext? GetParentSpan(this IDbConnection connection) => MarkTable.Get(Owner(connection))?.Parent;

    /// <summary>Tells whether the connection is marked with a parent span.</summary>
    /// <param name="connection">Any connection.</param>
    /// <returns><see langword="true"/> when a parent was given.</returns>
    public static bool HasParentSpan(this IDbConnection connection) => GetParentSpan(connection).HasValue;

    /// <summary>
    /// Traces every command run through traced connections resolved from <paramref name="scope"/> or its child scopes,
    /// until a transaction on one of them commits or rolls back, or the scope ends: a unit of work.
    /// </summary>
    /// <param name="scope">A lifetime scope, typically one unit of work (request, message, job).</param>
    /// <exception cref="ObjectDisposedException">The scope has ended.</exception>
    public static void SetTraced(this ILifetimeScope scope) => ScopeMarks.Set(LiveScopeOwner(scope), TraceMark.WithoutParent);

    /// <summary>Like <see cref="SetTraced(ILifetimeScope)"/>, with <paramref name="span"/> as the parent of those commands.</summary>
    /// <param name="scope">A lifetime scope.</param>
    /// <param name="span">A started span; only its context is kept.</param>
    /// <exception cref="ObjectDisposedException">The scope has ended.</exception>
    public static void SetParentSpan(this ILifetimeScope scope, Activity span) => ScopeMarks.Set(LiveScopeOwner(scope), Mark(span));

    /// <summary>Like <see cref="SetTraced(ILifetimeScope)"/>, under a parent known by its context.</summary>
    /// <param name="scope">A lifetime scope.</param>
    /// <param name="parent">A valid (non-default) span context.</param>
    /// <exception cref="ObjectDisposedException">The scope has ended.</exception>
    public static void SetParentSpan(this ILifetimeScope scope, ActivityContext parent) => ScopeMarks.Set(LiveScopeOwner(scope), Mark(parent));

    /// <summary>
    /// Like <see cref="SetParentSpan(ILifetimeScope, Activity)"/>, for the scope's whole life: commits and rollbacks
    /// under it end the units of work marked inside it, never this mark. What <c>UseSqlTracing()</c> sets on a request.
    /// </summary>
    /// <param name="scope">A lifetime scope that is one whole unit of work for tracing (a request, a job).</param>
    /// <param name="span">A started span; only its context is kept.</param>
    /// <exception cref="ObjectDisposedException">The scope has ended.</exception>
    public static void SetParentSpanUntilScopeEnds(this ILifetimeScope scope, Activity span) => ScopeMarks.SetLasting(LiveScopeOwner(scope), Mark(span));

    /// <summary>Like <see cref="SetParentSpanUntilScopeEnds(ILifetimeScope, Activity)"/>, under the usual parent.</summary>
    /// <param name="scope">A lifetime scope that is one whole unit of work for tracing.</param>
    /// <exception cref="ObjectDisposedException">The scope has ended.</exception>
    public static void SetTracedUntilScopeEnds(this ILifetimeScope scope) => ScopeMarks.SetLasting(LiveScopeOwner(scope), TraceMark.WithoutParent);

    /// <summary>Removes the scope's own marks (a unit of work's and one for its whole life); marks of its parent scopes still apply.</summary>
    /// <param name="scope">A lifetime scope.</param>
    public static void ClearTraced(this ILifetimeScope scope) => ScopeMarks.Clear(ScopeOwner(scope));

    /// <summary>Tells whether the scope itself is marked for tracing.</summary>
    /// <param name="scope">A lifetime scope.</param>
    /// <returns><see langword="true"/> when marked.</returns>
    public static bool GetTraced(this ILifetimeScope scope) => ScopeMarks.Get(ScopeOwner(scope)) is not null;

    /// <summary>Gets the parent the scope itself is marked with, if any.</summary>
    /// <param name="scope">A lifetime scope.</param>
    /// <returns>The parent's context, or <see langword="null"/>.</returns>
    public static ActivityContext? GetParentSpan(this ILifetimeScope scope) => ScopeMarks.Get(ScopeOwner(scope))?.Parent;

    /// <summary>Tells whether the scope itself is marked with a parent span.</summary>
    /// <param name="scope">A lifetime scope.</param>
    /// <returns><see langword="true"/> when a parent was given.</returns>
    public static bool HasParentSpan(this ILifetimeScope scope) => GetParentSpan(scope).HasValue;

    private static ILifetimeScope ScopeOwner(ILifetimeScope scope, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(scope))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(scope, name);
        return ScopeMarks.Owner(scope);
    }

    // A mark on a scope that has ended would never apply nor be dropped: refused, as Autofac refuses to resolve from it.
    private static ILifetimeScope LiveScopeOwner(ILifetimeScope scope, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(scope))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(scope, name);
        return scope.Resolve<ILifetimeScope>();
    }

    // Marks are keyed on the provider's object, so a mark set through our proxy or through Unwrap() is one mark.
    private static object Owner(object target, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(target))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(target, name);
        return ProxyTargets.Unwrap(target);
    }

    internal static TraceMark Mark(Activity span)
    {
        ArgumentNullException.ThrowIfNull(span);
        ValidParent(span.Context, nameof(span));

        // Kept weakly beside the context, so the unit of work can tell its span of repeated statements when it ends.
        return new TraceMark(span);
    }

    internal static TraceMark Mark(ActivityContext parent, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(parent))] string? name = null)
    {
        ValidParent(parent, name);
        return new TraceMark(parent);
    }

    private static void ValidParent(ActivityContext parent, string? name)
    {
        if (parent == default)
        {
            throw new ArgumentException("A parent span context must be a valid context: a started Activity's Context or one extracted from a propagated trace, not default.", name);
        }
    }
}
