using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Internal;
using AopSqlTracing.Repositories;
using AopSqlTracing.Statements;

namespace AopSqlTracing.Execution;

/// <summary>
/// Starts the span of an execution the gate decided to trace: a client span per command or batch, an internal
/// span per repository call. Returns null when no listener samples it, or when anything about it fails.
/// </summary>
internal static class SqlSpanFactory
{
    /// <param name="command">The provider's command (not our proxy).</param>
    /// <param name="parent">The chosen parent, or default for <see cref="Activity.Current"/> (a root when there is none).</param>
    /// <param name="facts">The connection it runs on.</param>
    /// <param name="options">The traced database's options.</param>
    /// <param name="last">The command's last classification, reused while its text is the same string.</param>
    public static Activity? StartCommand(DbCommand command, ActivityContext parent, ConnectionFacts facts, SqlTracingOptions options, ref StatementInfo? last)
    {
        SpanDescription description;
        try
        {
            description = SpanDescription.ForCommand(command, facts, options, ref last);
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("classify", exception);
            return null;
        }

        if (StartClient(description, parent, facts, command, options) is not { } activity)
        {
            return null;
        }

        UserHooks.Enrich(options, activity, command);
        return activity.IsStopped ? null : activity;
    }

    /// <param name="batch">The provider's batch (not our proxy).</param>
    /// <param name="parent">The chosen parent, or default for <see cref="Activity.Current"/>.</param>
    /// <param name="facts">The connection it runs on.</param>
    /// <param name="options">The traced database's options.</param>
    public static Activity? StartBatch(DbBatch batch, ActivityContext parent, ConnectionFacts facts, SqlTracingOptions options)
    {
        SpanDescription description;
        try
        {
            description = SpanDescription.ForBatch(batch, facts, options);
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("classify", exception);
            return null;
        }

        return StartClient(description, parent, facts, command: null, options);
    }

    /// <param name="method">The traced method's span name and function name.</param>
    /// <param name="parent">The chosen parent, or default for <see cref="Activity.Current"/>.</param>
    public static Activity? StartRepositoryCall(TracedMethod method, ActivityContext parent)
    {
        var tags = CreationTags.Rent();
        tags.Add(DbAttributes.CodeFunctionName, method.FunctionName);
        var activity = SpanLifecycle.Create(method.SpanName, ActivityKind.Internal, parent, tags);
        CreationTags.Return(tags);
        return activity is null ? null : SpanLifecycle.Start(activity);
    }

    private static Activity? StartClient(in SpanDescription description, ActivityContext parent, ConnectionFacts facts, DbCommand? command, SqlTracingOptions options)
    {
        var tags = CreationTags.Rent();
        SpanTags.AddCreationTags(tags, description, facts);
        var activity = SpanLifecycle.Create(description.Name, ActivityKind.Client, parent, tags);
        CreationTags.Return(tags);
        if (activity is null)
        {
            return null;
        }

        if (command is not null && options.RecordParameters && activity.IsAllDataRequested)
        {
            SpanTags.AddParameters(activity, command, options);
        }

        return SpanLifecycle.Start(activity);
    }
}
