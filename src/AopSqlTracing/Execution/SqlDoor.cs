using System.Data.Common;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using AopSqlTracing.Engines;
using AopSqlTracing.Marks;
using AopSqlTracing.Statements;
using Autofac;

namespace AopSqlTracing.Execution;

/// <summary>
/// The one door every caller goes through (the Castle command and batch proxies, a data source's own commands, a
/// <c>[Traced]</c> repository, the Entity Framework Core interceptors): <b>begin</b> is the one decision (database
/// switched on, someone listening, the user's filter, the marks, the parent policy) and starts the span;
/// <b>run</b> is the provider's call, with our span current for it (for an ORM's call, while the provider's own spans
/// are listened to);
/// the <see cref="SqlOperation"/> it hands back is <b>ended</b> by whoever holds it when the work ends.
/// </summary>
internal static partial class SqlDoor
{
    /// <summary>
    /// Begins a command's operation for the provider's call that runs at once, in this flow (a proxy's execution): its
    /// span, when there is one, stays <see cref="Activity.Current"/> for the call, as a span is for the code it times
    /// (the provider's own spans are its children), until <see cref="SqlOperation.EndInCall"/> stops it and puts the
    /// caller's back, or <see cref="ExitProvider"/> puts it back for a reader or a task to end the operation later.
    /// </summary>
    /// <param name="command">The provider's command (not our proxy).</param>
    /// <param name="connection">The traced connection it runs on.</param>
    /// <param name="memory">The command's last classification and description, reused while its text is the same string.</param>
    public static SqlOperation BeginCall(DbCommand command, TracedConnection connection, ref CommandMemory memory)
        => BeginSql(command, batch: null, connection, ref memory, OrmContexts.Of(command), forTheCall: true);

    /// <summary>
    /// Begins a command's operation whose provider call runs later, outside this method (an ORM's interceptor): the
    /// caller's current activity stays current, and <see cref="EnterProvider"/> opens the provider-span window.
    /// </summary>
    /// <param name="command">The provider's command (not our proxy).</param>
    /// <param name="connection">The traced connection it runs on.</param>
    /// <param name="ormContext">The ORM unit of work that runs it (its mark applies, and a script is described as a batch), or null.</param>
    public static SqlOperation BeginCommand(DbCommand command, TracedConnection connection, object? ormContext)
    {
        var none = default(CommandMemory);
        return BeginSql(command, batch: null, connection, ref none, ormContext ?? OrmContexts.Of(command), forTheCall: false);
    }

    /// <summary>Begins a batch's operation for the provider's call that runs at once, as <see cref="BeginCall(DbCommand, TracedConnection, ref CommandMemory)"/> does.</summary>
    /// <param name="batch">The provider's batch (not our proxy).</param>
    /// <param name="connection">The traced connection it runs on.</param>
    public static SqlOperation BeginCall(DbBatch batch, TracedConnection connection)
    {
        var none = default(CommandMemory);
        return BeginSql(command: null, batch, connection, ref none, ormContext: null, forTheCall: true);
    }

    /// <summary>Gets whether anyone listens to the library's spans: false means no operation begun now has a span.</summary>
    public static bool MayStartSpans => SpanLifecycle.HasListeners;

    /// <summary>
    /// Gets whether a command or batch on <paramref name="connection"/> may be traced or measured at all. False means
    /// beginning it would do nothing (no span, no measurement, no mark used up), so the caller runs it without
    /// entering: the untraced command's whole cost is these flag reads. Any mark anywhere sends it through the door,
    /// which uses a command's mark up whatever it decides.
    /// </summary>
    public static bool MayBeginSql(TracedConnection connection)
    {
        if (FoundMarks.MayExist)
        {
            return true;
        }

        var database = connection.Database;
        var options = database.Options;
        return database.IsTracingEnabled
            && ((options.RecordMetrics && SqlMetrics.Enabled)
                || (SpanLifecycle.HasListeners && (options.TraceAllCommands || connection.Policy is not DefaultParentSpanPolicy)));
    }

    /// <param name="method">The repository interface method called.</param>
    /// <param name="spanName">The span's name.</param>
    /// <param name="functionName">Its <c>code.function.name</c>.</param>
    /// <param name="scope">The lifetime scope the repository was resolved in.</param>
    /// <param name="policy">The container's parent policy.</param>
    /// <param name="options">The options repository spans follow.</param>
    public static SqlOperation BeginRepositoryCall(MethodInfo method, string spanName, string functionName, ILifetimeScope scope, IParentSpanPolicy policy, SqlTracingOptions options)
    {
        if (!SpanLifecycle.HasListeners)
        {
            return default;
        }

        var marks = FoundMarks.Gather(command: null, connection: null, scope);
        var execution = new SqlExecution(SqlExecutionKind.RepositoryCall, options) { Method = method, Scope = scope }.WithMarks(marks);
        return Decide(policy, execution, marks, out var parent)
            && SqlSpanFactory.StartRepositoryCall(spanName, functionName, parent) is { } activity
                ? new SqlOperation(activity, options, facts: null) { UnitOfWork = new TraceMark(activity, owned: true) }
                : default;
    }

    /// <summary>
    /// Opens the provider-span window for an operation begun with <see cref="BeginCommand"/> (an ORM's): while the
    /// provider's own spans are listened to, our span is
    /// <see cref="Activity.Current"/> from here to <see cref="ExitProvider"/>, so the span the provider starts for the
    /// call is its child. False, and nothing changed, when there is no window to open.
    /// </summary>
    /// <param name="operation">The operation whose provider call is about to run.</param>
    /// <param name="caller">The caller's current activity, to hand to <see cref="ExitProvider"/>.</param>
    public static bool EnterProvider(in SqlOperation operation, out Activity? caller)
    {
        caller = null;
        return operation.Activity is { } span && operation.Facts!.Engine.ProviderIsListened && SpanLifecycle.EnterProviderCall(span, out caller);
    }

    /// <summary>
    /// Puts the caller's current activity back after the provider's call: closes the window <see cref="EnterProvider"/>
    /// opened, or ends the span's time as current after <see cref="BeginCall(DbCommand, TracedConnection, ref CommandMemory)"/>
    /// when a reader or a task ends the operation later.
    /// </summary>
    public static void ExitProvider(Activity? caller) => SpanLifecycle.ExitProviderCall(caller);

    // A command or a batch: traced when someone listens and the policy says so; measured whenever a meter listener
    // listens (RecordMetrics on), whatever the policy says. Neither: nothing is done at all.
    private static SqlOperation BeginSql(DbCommand? command, DbBatch? batch, TracedConnection connection, ref CommandMemory memory, object? ormContext, bool forTheCall)
    {
        // A command's mark is used up by this execution whatever happens next, as the seed clears a statement's mark.
        var marks = FoundMarks.Gather(command, connection.Target, connection.Scope, ormContext);
        var database = connection.Database;
        var options = database.Options;
        var listening = SpanLifecycle.HasListeners;
        var measuring = options.RecordMetrics && SqlMetrics.Enabled;
        if (!database.IsTracingEnabled || (!listening && !measuring) || (command is not null && options.Filter is not null && !UserHooks.Filter(options, command)))
        {
            return default;
        }

        var traced = listening && DecideSql(connection, marks, command is null ? SqlExecutionKind.Batch : SqlExecutionKind.Command, command, batch, ormContext, out var parent);
        if (!traced && !measuring)
        {
            return default;
        }

        // A command running the text it ran before goes on with its kept description, passed by reference: the
        // description is neither made nor copied. (An ORM's command may be a script described as a batch: it describes.)
        var facts = connection.Facts;
        return command is not null && ormContext is null && memory.Described is { } described && described.Fits(command, facts, options)
            ? Begin(command, facts, options, marks, traced, parent, measuring, described.Description, forTheCall)
            : BeginDescribing(command, batch, facts, options, marks, traced, parent, measuring, ref memory, ormContext, forTheCall);
    }

    // Not inlined: the description it makes stays out of the frame of the common path (zeroed on every call).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static SqlOperation BeginDescribing(
        DbCommand? command,
        DbBatch? batch,
        ConnectionFacts facts,
        SqlTracingOptions options,
        in FoundMarks marks,
        bool traced,
        in ActivityContext parent,
        bool measuring,
        ref CommandMemory memory,
        object? ormContext,
        bool forTheCall)
        => SpanDescription.TryDescribe(command, batch, facts, options, ref memory, ormContext is not null, out var description)
            ? Begin(command, facts, options, marks, traced, parent, measuring, description, forTheCall)
            : default;

    // Starts the span of what is described (when traced), counts its shape, comments its text, and makes the operation.
    private static SqlOperation Begin(
        DbCommand? command,
        ConnectionFacts facts,
        SqlTracingOptions options,
        in FoundMarks marks,
        bool traced,
        in ActivityContext parent,
        bool measuring,
        in SpanDescription description,
        bool forTheCall)
    {
        var activity = traced ? SqlSpanFactory.StartSql(description, parent, facts, command, options, forTheCall) : null;
        if (activity is not null && description.Shape is not null && marks.Any && marks.UnitOfWorkUnder(parent) is { } unitOfWork)
        {
            RepeatedStatements.Count(unitOfWork, description, facts, options);
        }

        // sqlcommenter: the comment needs the span's id, so it is added once the span exists. One operation made in
        // one place: each construction site would be a copy of its own in the caller's frame.
        var original = command is not null && activity is not null && options.PropagateContext ? TraceComments.Add(command, activity, facts.Engine.Dialect) : null;
        return new SqlOperation(activity, options, facts, measuring ? description.Source : null, original is null ? null : command, original);
    }

    // The default policy with nothing marked answers from the options alone: no SqlExecution is built, no call made.
    // Otherwise the policy hears of the connection the provider's object names (the traced one's when it names none:
    // a data source's own commands throw when asked).
    private static bool DecideSql(
        TracedConnection connection, in FoundMarks marks, SqlExecutionKind kind, DbCommand? command, DbBatch? batch, object? ormContext, out ActivityContext parent)
    {
        if (!marks.Any && connection.Policy is DefaultParentSpanPolicy)
        {
            parent = default;
            return connection.Database.Options.TraceAllCommands;
        }

        return DecideByPolicy(connection, marks, kind, command, batch, ormContext, out parent);
    }

    // Not inlined: the execution the policy hears of stays out of the frame of the common path (zeroed on every call).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool DecideByPolicy(
        TracedConnection connection, in FoundMarks marks, SqlExecutionKind kind, DbCommand? command, DbBatch? batch, object? ormContext, out ActivityContext parent)
    {
        var options = connection.Database.Options;
        var execution = new SqlExecution(kind, options)
        {
            Command = command,
            Batch = batch,
            Connection = connection.CommandsNameNoConnection ? connection.Target : command?.Connection ?? batch?.Connection ?? connection.Target,
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
