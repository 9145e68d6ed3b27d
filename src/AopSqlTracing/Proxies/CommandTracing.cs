using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Internal;
using AopSqlTracing.Marks;

namespace AopSqlTracing.Proxies;

/// <summary>
/// The one place that decides whether an execution is traced and under which parent, then asks
/// <see cref="SqlSpanFactory"/> for the span. Order, innermost first: the command's mark, the connection's mark,
/// then <see cref="Activity.Current"/>, then a new root.
/// </summary>
internal static class CommandTracing
{
    public static Activity? Begin(DbCommand command, ConnectionContext connection)
    {
        // Used up by this execution whatever happens next, as the seed clears a statement's mark.
        var commandMark = MarkTable.Take(command);
        return ChooseParent(commandMark, command.Connection, connection, out var parent)
            ? SqlSpanFactory.StartCommand(command, parent)
            : null;
    }

    public static Activity? Begin(DbBatch batch, ConnectionContext connection)
        => ChooseParent(null, batch.Connection, connection, out var parent)
            ? SqlSpanFactory.StartBatch(batch, parent)
            : null;

    private static bool ChooseParent(TraceMark? commandMark, DbConnection? executingOn, ConnectionContext connection, out ActivityContext parent)
    {
        parent = default;
        if (!connection.Database.IsTracingEnabled || !SqlSpanFactory.HasListeners)
        {
            return false;
        }

        var connectionMark = MarkTable.Get(executingOn ?? connection.Target);
        if (commandMark is null && connectionMark is null && !connection.Database.Options.TraceAllCommands)
        {
            return false;
        }

        parent = commandMark?.Parent ?? connectionMark?.Parent ?? default;
        return true;
    }
}
