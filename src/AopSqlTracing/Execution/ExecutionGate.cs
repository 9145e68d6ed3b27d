using System.Data.Common;
using System.Diagnostics;
using System.Reflection;
using AopSqlTracing.Internal;
using AopSqlTracing.Marks;
using AopSqlTracing.Proxies;
using AopSqlTracing.Repositories;
using AopSqlTracing.Statements;
using Autofac;

namespace AopSqlTracing.Execution;

/// <summary>
/// The one decision of the library: whether an execution (command, batch or repository call) becomes a span, and
/// under which parent. It owns the gate (database switched on, someone listening, the user's filter), gathers the
/// marks, asks the container's <see cref="IParentSpanPolicy"/>, and starts the span through <see cref="SqlSpanFactory"/>.
/// </summary>
internal static class ExecutionGate
{
    /// <param name="command">The provider's command (not our proxy).</param>
    /// <param name="connection">The traced connection it runs on.</param>
    /// <param name="last">The command's last classification, reused while its text is the same string.</param>
    /// <param name="ormContext">The Entity Framework Core context that runs it (its marks apply, and a script is described as a batch), or null.</param>
    public static TracedExecution BeginCommand(DbCommand command, ConnectionContext connection, ref StatementInfo? last, object? ormContext = null)
        => BeginSql(command, batch: null, connection, ref last, ormContext);

    /// <param name="batch">The provider's batch (not our proxy).</param>
    /// <param name="connection">The traced connection it runs on.</param>
    public static TracedExecution BeginBatch(DbBatch batch, ConnectionContext connection)
    {
        StatementInfo? none = null;
        return BeginSql(command: null, batch, connection, ref none, ormContext: null);
    }

    /// <param name="method">The repository interface method called.</param>
    /// <param name="scope">The lifetime scope the repository was resolved in.</param>
    /// <param name="policy">The container's parent policy.</param>
    /// <param name="options">The options repository spans follow (see <see cref="TracedDatabases.RepositoryOptions"/>).</param>
    public static TracedExecution BeginRepositoryCall(MethodInfo method, ILifetimeScope scope, IParentSpanPolicy policy, SqlTracingOptions options)
    {
        if (!SpanLifecycle.HasListeners)
        {
            return default;
        }

        var marks = FoundMarks.Gather(command: null, connection: null, scope);
        var execution = new SqlExecution(SqlExecutionKind.RepositoryCall, options) { Method = method, Scope = scope }.WithMarks(marks);
        return Decide(policy, execution, marks, out var parent)
            && SqlSpanFactory.StartRepositoryCall(TracedMethods.Describe(method), parent) is { } activity
                ? new TracedExecution(activity, options)
                : default;
    }

    // A command or a batch: traced when someone listens and the policy says so; measured whenever a meter listener
    // listens (RecordMetrics on), whatever the policy says. Neither: nothing is done at all.
    private static TracedExecution BeginSql(DbCommand? command, DbBatch? batch, ConnectionContext connection, ref StatementInfo? last, object? ormContext)
    {
        // A command's mark is used up by this execution whatever happens next, as the seed clears a statement's mark.
        var marks = FoundMarks.Gather(command, connection.Target, connection.Scope, ormContext);
        var database = connection.Database;
        var options = database.Options;
        var listening = SpanLifecycle.HasListeners;
        var measuring = options.RecordMetrics && SqlMetrics.Enabled;
        if (!database.IsTracingEnabled || (!listening && !measuring) || (command is not null && !UserHooks.Filter(options, command)))
        {
            return default;
        }

        var traced = listening && DecideSql(connection, marks, command, batch, ormContext, out var parent);
        var facts = connection.Facts;
        if ((!traced && !measuring) || !SpanDescription.TryDescribe(command, batch, facts, options, ref last, ormContext is not null, out var description))
        {
            return default;
        }

        var activity = traced ? SqlSpanFactory.StartSql(description, parent, facts, command, options) : null;
        var measuredOn = measuring ? facts : null;

        // sqlcommenter: the comment needs the span's id, so it is added once the span exists.
        return command is not null && activity is not null && options.PropagateContext && TraceComments.Add(command, activity, facts.Dialect) is { } original
            ? new TracedExecution(activity, options, description, measuredOn, command, original)
            : new TracedExecution(activity, options, description, measuredOn);
    }

    // The default policy with nothing marked answers from the options alone: no SqlExecution is built, no call made.
    // Otherwise the policy hears of the connection the provider's object names (the traced one's when it names none).
    private static bool DecideSql(ConnectionContext connection, in FoundMarks marks, DbCommand? command, DbBatch? batch, object? ormContext, out ActivityContext parent)
    {
        var options = connection.Database.Options;
        if (!marks.Any && connection.Policy is DefaultParentSpanPolicy)
        {
            parent = default;
            return options.TraceAllCommands;
        }

        var execution = new SqlExecution(command is null ? SqlExecutionKind.Batch : SqlExecutionKind.Command, options)
        {
            Command = command,
            Batch = batch,
            Connection = command?.Connection ?? batch?.Connection ?? connection.Target,
            Context = ormContext,
            Scope = connection.Scope,
        }.WithMarks(marks);
        return Decide(connection.Policy, execution, marks, out parent);
    }

    // A policy that throws leaves the execution untraced. The default policy with nothing marked needs no call.
    private static bool Decide(IParentSpanPolicy policy, in SqlExecution execution, in FoundMarks marks, out ActivityContext parent)
    {
        parent = default;
        if (policy is DefaultParentSpanPolicy && !marks.Any)
        {
            return execution.Options.TraceAllCommands || execution.Kind == SqlExecutionKind.RepositoryCall;
        }

        try
        {
            var decision = policy.Decide(execution);
            parent = decision.Parent ?? default;
            return decision.IsTraced;
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("parent span policy", exception);
            return false;
        }
    }
}
