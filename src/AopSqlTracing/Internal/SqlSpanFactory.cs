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
                if (exception is DbException dbException)
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
            var connection = command.Connection;
            if (connection is not null)
            {
                activity.SetTag(DbAttributes.SystemName, DbSystemNames.Of(connection.GetType()));
                activity.SetTag(DbAttributes.Namespace, connection.Database);
            }

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
}
