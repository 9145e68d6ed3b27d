using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Internal;
using AopSqlTracing.Repositories;

namespace AopSqlTracing.Execution;

/// <summary>
/// Starts the span of an execution the gate decided to trace: a client span per command or batch, an internal
/// span per repository call. Returns null when no listener samples it, or when anything about it fails.
/// </summary>
internal static class SqlSpanFactory
{
    /// <summary>Starts the client span of one command or batch, described by <paramref name="description"/>.</summary>
    /// <param name="description">What runs (<see cref="SpanDescription.TryDescribe"/>).</param>
    /// <param name="parent">The chosen parent, or default for <see cref="Activity.Current"/> (a root when there is none).</param>
    /// <param name="facts">The connection it runs on.</param>
    /// <param name="command">The provider's command, for the user's <c>Enrich</c> and the parameters; null for a batch.</param>
    /// <param name="options">The traced database's options.</param>
    public static Activity? StartSql(in SpanDescription description, ActivityContext parent, ConnectionFacts facts, DbCommand? command, SqlTracingOptions options)
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

        if (SpanLifecycle.Start(activity) is not { } started)
        {
            return null;
        }

        if (command is not null)
        {
            UserHooks.Enrich(options, started, command);
        }

        return started.IsStopped ? null : started;
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
}
