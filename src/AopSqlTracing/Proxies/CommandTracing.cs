using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Internal;
using AopSqlTracing.Marks;
using AopSqlTracing.Statements;

namespace AopSqlTracing.Proxies;

/// <summary>Starts the span of a command or batch about to run, if the parent policy traces it.</summary>
internal static class CommandTracing
{
    public static Activity? Begin(DbCommand command, ConnectionContext connection, ref StatementInfo? lastStatement)
    {
        // Used up by this execution whatever happens next, as the seed clears a statement's mark.
        var commandMark = MarkTable.Take(command);
        var options = connection.Database.Options;
        if (!ShouldAsk(connection) || !PassesFilter(command, options))
        {
            return null;
        }

        return ParentSpans.TryChooseForCommand(
                command, null, commandMark, command.Connection ?? connection.Target, connection.Scope,
                options, connection.Policy, out var parent)
            ? SqlSpanFactory.StartCommand(command, parent, options, ref lastStatement)
            : null;
    }

    public static Activity? Begin(DbBatch batch, ConnectionContext connection)
    {
        if (!ShouldAsk(connection))
        {
            return null;
        }

        return ParentSpans.TryChooseForCommand(
                null, batch, null, batch.Connection ?? connection.Target, connection.Scope,
                connection.Database.Options, connection.Policy, out var parent)
            ? SqlSpanFactory.StartBatch(batch, parent, connection.Database.Options)
            : null;
    }

    // The user's filter says no span at all; one that throws says the same, and the command runs untraced.
    private static bool PassesFilter(DbCommand command, SqlTracingOptions options)
    {
        if (options.Filter is not { } filter)
        {
            return true;
        }

        try
        {
            return filter(command);
        }
        catch (Exception exception)
        {
            options.HookFailures.Report(UserHook.Filter, exception);
            return false;
        }
    }

    private static bool ShouldAsk(ConnectionContext connection) => connection.Database.IsTracingEnabled && SqlSpanFactory.HasListeners;
}
