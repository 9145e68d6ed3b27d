using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using AopSqlTracing.Repositories;
using AopSqlTracing.Statements;

namespace AopSqlTracing.Internal;

/// <summary>
/// Owns the library's <see cref="ActivitySource"/> and is the only code that starts, tags and finishes spans.
/// Interceptors decide whether and under which parent; everything a span carries is decided here.
/// Every step is guarded: a listener, a user hook or a provider that throws costs the span, never the database call.
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
    /// <param name="options">The traced database's options.</param>
    /// <param name="lastStatement">The command's last classification, reused while its text is the same string.</param>
    public static Activity? StartCommand(DbCommand command, ActivityContext parent, SqlTracingOptions options, ref StatementInfo? lastStatement)
    {
        StatementInfo statement;
        string name;
        try
        {
            var isProcedure = command.CommandType == CommandType.StoredProcedure;
            statement = isProcedure ? StatementInfo.ForProcedure(command.CommandText) : StatementClassifier.Classify(command.CommandText, ref lastStatement);
            name = options.SpanNaming == SqlSpanNaming.Seed ? statement.Kind
                : isProcedure ? statement.NormalizedText
                : statement.Summary ?? SystemName(command.Connection);
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("classify", exception);
            return null;
        }

        var activity = Create(name, ActivityKind.Client, parent);
        if (activity is null)
        {
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            TagCommand(activity, command, statement, options);
        }

        if (Start(activity) is { IsAllDataRequested: true } started && options.Enrich is { } enrich)
        {
            try
            {
                enrich(started, command);
            }
            catch (Exception exception)
            {
                options.HookFailures.Report(UserHook.Enrich, exception);
            }
        }

        return activity.IsStopped ? null : activity;
    }

    /// <summary>Starts the one client span of a whole batch, or returns null when no listener samples it.</summary>
    /// <param name="batch">The provider's batch (not our proxy).</param>
    /// <param name="parent">The chosen parent, or default for <see cref="Activity.Current"/>.</param>
    /// <param name="options">The traced database's options.</param>
    public static Activity? StartBatch(DbBatch batch, ActivityContext parent, SqlTracingOptions options)
    {
        BatchStatements statements;
        string name;
        try
        {
            statements = BatchStatements.Of(batch, options.QueryText);
            name = options.SpanNaming == SqlSpanNaming.Seed ? statements.Name : statements.Summary ?? SystemName(batch.Connection);
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("classify", exception);
            return null;
        }

        var activity = Create(name, ActivityKind.Client, parent);
        if (activity is null)
        {
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            TagBatch(activity, batch, statements, options);
        }

        return Start(activity);
    }

    /// <summary>Starts the internal span of one traced repository call, or returns null when no listener samples it.</summary>
    /// <param name="method">The traced method's span name and function name.</param>
    /// <param name="parent">The chosen parent, or default for <see cref="Activity.Current"/>.</param>
    public static Activity? StartRepositoryCall(TracedMethod method, ActivityContext parent)
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

        // Stop puts back the Activity that was current when the span started, even where the caller has moved on.
        var current = Activity.Current;
        try
        {
            activity.Stop();
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("stop", exception);
        }
        finally
        {
            if (Activity.Current != current)
            {
                Activity.Current = current;
            }
        }
    }

    /// <summary>Marks the span as failed with <paramref name="exception"/> and finishes it.</summary>
    /// <param name="activity">The span, or null when not traced.</param>
    /// <param name="exception">What the call threw; it goes on to the caller unchanged.</param>
    /// <param name="options">The traced database's options, or null for a repository call (defaults).</param>
    public static void Fail(Activity? activity, Exception exception, SqlTracingOptions? options = null)
    {
        if (activity is null)
        {
            return;
        }

        var recordException = options?.RecordException ?? true;
        try
        {
            activity.SetStatus(ActivityStatusCode.Error, recordException ? exception.Message : null);
            if (activity.IsAllDataRequested)
            {
                activity.SetTag(DbAttributes.ErrorType, exception.GetType().FullName);

                // Providers wrap a server-side cancellation in OperationCanceledException; its code is inside.
                if ((exception as DbException ?? exception.InnerException as DbException) is { } dbException)
                {
                    activity.SetTag(DbAttributes.ResponseStatusCode, DbErrorCodes.Of(dbException));
                }

                if (recordException)
                {
                    activity.AddException(exception);
                }
            }
        }
        catch (Exception tagging)
        {
            SqlTracingEventSource.Log.TracingFailed("error tags", tagging);
        }

        if (options?.EnrichWithException is { } enrich && activity.IsAllDataRequested)
        {
            try
            {
                enrich(activity, exception);
            }
            catch (Exception hookFailure)
            {
                options.HookFailures.Report(UserHook.EnrichWithException, hookFailure);
            }
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

    private static string SystemName(DbConnection? connection) => connection is null ? "other_sql" : DbSystemNames.Of(connection.GetType());

    private static void TagCommand(Activity activity, DbCommand command, StatementInfo statement, SqlTracingOptions options)
    {
        try
        {
            TagConnection(activity, command.Connection);
            if (command.CommandType == CommandType.StoredProcedure)
            {
                activity.SetTag(DbAttributes.StoredProcedureName, statement.NormalizedText);
            }
            else if (options.QueryText != QueryTextMode.None)
            {
                var text = QueryTexts.Of(statement, options.QueryText);
                activity.SetTag(DbAttributes.QueryText, QueryTexts.Cut(text, options.MaxQueryTextLength));
            }

            if (statement.Operation is not null)
            {
                activity.SetTag(DbAttributes.OperationName, statement.Operation);
                activity.SetTag(DbAttributes.QuerySummary, statement.Summary);
            }

            if (statement.Collection is not null)
            {
                activity.SetTag(DbAttributes.CollectionName, statement.Collection);
            }

            if (options.RecordParameters)
            {
                TagParameters(activity, command.Parameters, options.MaxParameterValueLength);
            }
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("tags", exception);
        }
    }

    private static void TagBatch(Activity activity, DbBatch batch, BatchStatements statements, SqlTracingOptions options)
    {
        try
        {
            TagConnection(activity, batch.Connection);
            if (options.QueryText != QueryTextMode.None)
            {
                activity.SetTag(DbAttributes.QueryText, QueryTexts.Cut(statements.Text, options.MaxQueryTextLength));
            }

            activity.SetTag(DbAttributes.OperationName, statements.Operation);
            activity.SetTag(DbAttributes.QuerySummary, statements.Summary);
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

    private static void TagParameters(Activity activity, DbParameterCollection parameters, int maxLength)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            var name = parameter.ParameterName.TrimStart('@', ':', '$', '?');
            activity.SetTag(
                DbAttributes.QueryParameterPrefix + (name.Length > 0 ? name : i.ToString(CultureInfo.InvariantCulture)),
                ParameterValue(parameter.Value, maxLength));
        }
    }

    private static object? ParameterValue(object? value, int maxLength) => value switch
    {
        null or DBNull => null,
        byte[] bytes => bytes.Length,
        string text => QueryTexts.Cut(text, maxLength),
        bool or byte or short or int or long or float or double or decimal => value,
        IFormattable formattable => QueryTexts.Cut(formattable.ToString(null, CultureInfo.InvariantCulture), maxLength),
        _ => QueryTexts.Cut(value.ToString() ?? string.Empty, maxLength),
    };
}
