using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Marks;
using Autofac;

namespace AopSqlTracing.Execution;

// What an integration (an ORM's adapter) asks of the door beside beginning: of the marks, its own unit of work's mark,
// the scope its work runs in and the end of a unit of work; a reader to end its operation; a failure to report.
internal static partial class SqlDoor
{
    /// <summary>Hands a reader's operation on to the reader, which ends it when it closes (or its connection does).</summary>
    public static DbDataReader ContinueInReader(DbDataReader reader, SqlOperation operation, TracedConnection connection)
        => new TracedDataReader(reader, operation, connection);

    /// <summary>Reports a failure inside tracing, which never reaches the application.</summary>
    public static void ReportFailure(string step, Exception exception) => SqlTracingEventSource.Log.TracingFailed(step, exception);

    /// <summary>Ends the marks a unit of work's end ends, as the seed does: the connection's and the nearest marked scope's.</summary>
    /// <param name="connection">The provider's connection.</param>
    /// <param name="scope">The scope its traced connection was resolved in.</param>
    public static void EndUnitOfWork(DbConnection connection, ILifetimeScope? scope) => TransactionMarks.End(connection, scope);

    /// <summary>
    /// Gets the lifetime scope an integration's work runs in, given the one its services came from: a pooled or
    /// factory-made ORM context built with the container's root follows the scope marked in the current flow.
    /// </summary>
    public static ILifetimeScope? ScopeInUse(ILifetimeScope? configured) => FlowScope.Within(configured);

    /// <summary>Notes the ORM unit of work the provider's <paramref name="command"/> runs for, for when it runs on a traced connection.</summary>
    public static void RunsFor(DbCommand command, object ormContext) => OrmContexts.Set(command, ormContext);

    /// <summary>Marks any object of an integration's (an ORM's unit of work): its SQL is traced under <paramref name="parent"/>.</summary>
    public static void SetMark(object owner, ActivityContext? parent) => MarkTable.Set(owner, parent is { } context ? new TraceMark(context) : TraceMark.WithoutParent);

    /// <summary>Marks an integration's object under <paramref name="span"/>, which hears of the unit of work's repeated statements.</summary>
    public static void SetMark(object owner, Activity span) => MarkTable.Set(owner, new TraceMark(span));

    /// <summary>Removes the mark of <paramref name="owner"/>.</summary>
    public static void ClearMark(object owner) => MarkTable.Clear(owner);

    /// <summary>Gets the mark of <paramref name="owner"/>.</summary>
    public static SqlTraceMark GetMark(object owner) => TraceMark.ToPublic(MarkTable.Get(owner));
}
