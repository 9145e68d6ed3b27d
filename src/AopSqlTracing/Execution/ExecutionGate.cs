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
    public static TracedExecution BeginCommand(DbCommand command, ConnectionContext connection, ref StatementInfo? last)
    {
        // A command's mark is used up by this execution whatever happens next, as the seed clears a statement's mark.
        var marks = FoundMarks.Gather(command, connection.Target, connection.Scope);
        var options = connection.Database.Options;
        if (!IsOpen(connection) || !UserHooks.Filter(options, command)
            || !DecideSql(new SqlExecution(SqlExecutionKind.Command, options) { Command = command }, command.Connection, connection, marks, out var parent)
            || SqlSpanFactory.StartCommand(command, parent, connection.Facts, options, ref last) is not { } activity)
        {
            return default;
        }

        // sqlcommenter: the comment needs the span's id, so it is added once the span exists.
        return options.PropagateContext && TraceComments.Add(command, activity, connection.Facts.Dialect) is { } original
            ? new TracedExecution(activity, options, command, original)
            : new TracedExecution(activity, options);
    }

    /// <param name="batch">The provider's batch (not our proxy).</param>
    /// <param name="connection">The traced connection it runs on.</param>
    public static TracedExecution BeginBatch(DbBatch batch, ConnectionContext connection)
    {
        var marks = FoundMarks.Gather(command: null, connection.Target, connection.Scope);
        var options = connection.Database.Options;
        return IsOpen(connection)
            && DecideSql(new SqlExecution(SqlExecutionKind.Batch, options) { Batch = batch }, batch.Connection, connection, marks, out var parent)
            && SqlSpanFactory.StartBatch(batch, parent, connection.Facts, options) is { } activity
                ? new TracedExecution(activity, options)
                : default;
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

    private static bool IsOpen(ConnectionContext connection) => connection.Database.IsTracingEnabled && SpanLifecycle.HasListeners;

    // SQL runs on the connection the provider's object names (the traced connection's target when it names none).
    private static bool DecideSql(in SqlExecution what, DbConnection? runsOn, ConnectionContext connection, in FoundMarks marks, out ActivityContext parent)
        => Decide(connection.Policy, (what with { Connection = runsOn ?? connection.Target, Scope = connection.Scope }).WithMarks(marks), marks, out parent);

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
