using System.Data.Common;
using System.Diagnostics;
using System.Reflection;
using AopSqlTracing.Marks;
using Autofac;

namespace AopSqlTracing.Internal;

/// <summary>
/// The one place where the parent of a span is chosen: it gathers the marks that apply to an execution (command,
/// enclosing repository call, connection, nearest marked scope) and asks the container's <see cref="IParentSpanPolicy"/>.
/// A policy that throws leaves the execution untraced.
/// </summary>
internal static class ParentSpans
{
    private static readonly SqlTracingOptions RepositoryOptions = new();

    public static bool TryChooseForCommand(
        DbCommand? command, DbBatch? batch, TraceMark? commandMark, DbConnection connection, ILifetimeScope? scope,
        SqlTracingOptions options, IParentSpanPolicy policy, out ActivityContext parent)
    {
        var execution = new SqlExecution(
            command is null ? SqlExecutionKind.Batch : SqlExecutionKind.Command,
            command,
            batch,
            method: null,
            connection,
            scope,
            options,
            TraceMark.ToPublic(commandMark),
            TraceMark.ToPublic(AmbientRepositoryCall.Mark),
            TraceMark.ToPublic(MarkTable.Get(connection)),
            TraceMark.ToPublic(ScopeMarks.FindNearest(scope)));
        return Ask(policy, execution, out parent);
    }

    public static bool TryChooseForRepositoryCall(MethodInfo method, ILifetimeScope? scope, IParentSpanPolicy policy, out ActivityContext parent)
    {
        var execution = new SqlExecution(
            SqlExecutionKind.RepositoryCall,
            command: null,
            batch: null,
            method,
            connection: null,
            scope,
            RepositoryOptions,
            SqlTraceMark.None,
            TraceMark.ToPublic(AmbientRepositoryCall.Mark),
            SqlTraceMark.None,
            TraceMark.ToPublic(ScopeMarks.FindNearest(scope)));
        return Ask(policy, execution, out parent);
    }

    private static bool Ask(IParentSpanPolicy policy, in SqlExecution execution, out ActivityContext parent)
    {
        try
        {
            var decision = policy.Decide(execution);
            parent = decision.Parent ?? default;
            return decision.IsTraced;
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("parent span policy", exception);
            parent = default;
            return false;
        }
    }
}
