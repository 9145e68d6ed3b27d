using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Engines;

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
    /// <param name="current">Whether the span stays current for a call that runs at once (<see cref="SpanLifecycle.Start"/>).</param>
    public static Activity? StartSql(in SpanDescription description, in ActivityContext parent, ConnectionFacts facts, DbCommand? command, SqlTracingOptions options, bool current)
    {
        var ready = (description.Source as DescribedCommand)?.CreationTags;
        var tags = ready ?? CreationTags.Rent();
        if (ready is null)
        {
            SqlAttributes.AddSpanCreation(tags, description, facts);
        }

        var activity = SpanLifecycle.Create(description.Name, ActivityKind.Client, parent, tags);
        if (ready is null)
        {
            CreationTags.Return(tags);
        }

        if (activity is null)
        {
            return null;
        }

        if (command is not null && options.RecordParameters && activity.IsAllDataRequested)
        {
            SqlAttributes.AddParameters(activity, command, options);
        }

        if (SpanLifecycle.Start(activity, current) is not { } started)
        {
            return null;
        }

        // Asked here, so the common case without a hook makes no call.
        if (command is not null && options.Enrich is not null)
        {
            UserHooks.Enrich(options, started, command);
        }

        return started.IsStopped ? null : started;
    }

    /// <param name="spanName">The traced method's span name.</param>
    /// <param name="functionName">Its <c>code.function.name</c>.</param>
    /// <param name="parent">The chosen parent, or default for <see cref="Activity.Current"/>.</param>
    public static Activity? StartRepositoryCall(string spanName, string functionName, ActivityContext parent)
    {
        var tags = CreationTags.Rent();
        tags.Add(DbAttributes.CodeFunctionName, functionName);
        var activity = SpanLifecycle.Create(spanName, ActivityKind.Internal, parent, tags);
        CreationTags.Return(tags);
        return activity is null ? null : SpanLifecycle.Start(activity);
    }
}
