using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Statements;

namespace AopSqlTracing.Internal;

/// <summary>
/// Owns the library's <see cref="ActivitySource"/> and is the only code that starts, tags and finishes spans.
/// Interceptors decide whether and under which parent; everything a span carries is decided here.
/// Every step is guarded: a listener or provider that throws costs the span, never the database call.
/// </summary>
internal static class SqlSpanFactory
{
    private static readonly ActivitySource Source = new(
        SqlTracing.ActivitySourceName,
        typeof(SqlSpanFactory).Assembly.GetName().Version?.ToString(3));

    /// <summary>Gets whether anyone listens; checked first so an unobserved command does no tracing work.</summary>
    public static bool HasListeners => Source.HasListeners();

    /// <summary>Starts the client span of one command, or returns null when no listener samples it.</summary>
    /// <param name="command">The provider's command (not our proxy).</param>
    /// <param name="parent">The chosen parent, or default for <see cref="Activity.Current"/> (a root when there is none).</param>
    public static Activity? StartCommand(DbCommand command, ActivityContext parent)
    {
        StatementInfo statement;
        try
        {
            statement = StatementClassifier.Classify(command.CommandText);
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("classify", exception);
            return null;
        }

        var activity = Create(statement.Kind, ActivityKind.Client, parent);
        if (activity is null)
        {
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            TagCommand(activity, command, statement);
        }

        return Start(activity);
    }

    /// <summary>Starts the one client span of a whole batch, or returns null when no listener samples it.</summary>
    /// <param name="batch">The provider's batch (not our proxy).</param>
    /// <param name="parent">The chosen parent, or default for <see cref="Activity.Current"/>.</param>
    public static Activity? StartBatch(DbBatch batch, ActivityContext parent)
    {
        BatchStatements statements;
        try
        {
            statements = BatchStatements.Of(batch);
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("classify", exception);
            return null;
        }

        var activity = Create(statements.Name, ActivityKind.Client, parent);
        if (activity is null)
        {
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            TagBatch(activity, batch, statements);
        }

        return Start(activity);
    }

    /// <summary>Starts the internal span of one traced repository call, or returns null when no listener samples it.</summary>
    /// <param name="method">The traced method's span name and function name.</param>
    /// <param name="parent">The chosen parent, or default for <see cref="Activity.Current"/>.</param>
    public static Activity? StartRepositoryCall(Repositories.TracedMethod method, ActivityContext parent)
    {
        var activity = Create(method.SpanName, ActivityKind.Internal, parent);
        if (activity is null)
        {
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag(DbAttributes.CodeFunctionName, method.FunctionName);
        }

        return Start(activity);
    }

    /// <summary>Finishes a span that ended well; a null span (not traced) is ignored.</summary>
    public static void Stop(Activity? activity)
    {
        if (activity is null)
        {
            return;
        }

        try
        {
            activity.Stop();
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("stop", exception);
        }
    }

    /// <summary>Marks the span as failed with <paramref name="exception"/> and finishes it.</summary>
    public static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        try
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            if (activity.IsAllDataRequested)
            {
                activity.SetTag(DbAttributes.ErrorType, exception.GetType().FullName);
                // Providers wrap a server-side cancellation in OperationCanceledException; its code is inside.
                if ((exception as DbException ?? exception.InnerException as DbException) is { } dbException)
                {
                    activity.SetTag(DbAttributes.ResponseStatusCode, dbException.SqlState ?? dbException.ErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                activity.AddException(exception);
            }
        }
        catch (Exception tagging)
        {
            SqlTracingEventSource.Log.TracingFailed("error tags", tagging);
        }

        Stop(activity);
    }

    /// <summary>Records how many rows a reader handed out before it closed.</summary>
    public static void SetReturnedRows(Activity activity, long rows)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(DbAttributes.ReturnedRows, rows);
        }
    }

    private static Activity? Create(string name, ActivityKind kind, ActivityContext parent)
    {
        try
        {
            return Source.CreateActivity(name, kind, parent);
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("sample", exception);
            return null;
        }
    }

    // Our spans are never made ambient: Activity.Current is the caller's, before and after, sync or async.
    private static Activity? Start(Activity activity)
    {
        var previous = Activity.Current;
        try
        {
            activity.Start();
            return activity;
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("start", exception);
            Stop(activity);
            return null;
        }
        finally
        {
            if (Activity.Current != previous)
            {
                Activity.Current = previous;
            }
        }
    }

    private static void TagCommand(Activity activity, DbCommand command, StatementInfo statement)
    {
        try
        {
            TagConnection(activity, command.Connection);
            activity.SetTag(DbAttributes.QueryText, statement.NormalizedText);
            if (statement.Operation is not null)
            {
                activity.SetTag(DbAttributes.OperationName, statement.Operation);
                activity.SetTag(DbAttributes.QuerySummary, statement.Summary);
            }

            if (statement.Collection is not null)
            {
                activity.SetTag(DbAttributes.CollectionName, statement.Collection);
            }
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("tags", exception);
        }
    }

    private static void TagBatch(Activity activity, DbBatch batch, BatchStatements statements)
    {
        try
        {
            TagConnection(activity, batch.Connection);
            activity.SetTag(DbAttributes.QueryText, statements.Text);
            activity.SetTag(DbAttributes.OperationName, statements.Operation);
            if (statements.Count >= 2)
            {
                activity.SetTag(DbAttributes.BatchSize, statements.Count);
            }

            if (statements.Collection is not null)
            {
                activity.SetTag(DbAttributes.CollectionName, statements.Collection);
            }
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("tags", exception);
        }
    }

    private static void TagConnection(Activity activity, DbConnection? connection)
    {
        if (connection is null)
        {
            return;
        }

        var system = DbSystemNames.Of(connection.GetType());
        activity.SetTag(DbAttributes.SystemName, system);
        activity.SetTag(DbAttributes.Namespace, connection.Database);
        var server = ServerEndpoints.Of(connection, system);
        if (server.Address is not null)
        {
            activity.SetTag(DbAttributes.ServerAddress, server.Address);
            if (server.Port is { } port)
            {
                activity.SetTag(DbAttributes.ServerPort, port);
            }
        }
    }
}
