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
        if (!connection.Database.IsTracingEnabled || !SqlSpanFactory.HasListeners)
        {
            return null;
        }

        var connectionMark = MarkTable.Get(command.Connection ?? connection.Target);
        if (commandMark is null && connectionMark is null && !connection.Database.Options.TraceAllCommands)
        {
            return null;
        }

        var parent = commandMark?.Parent ?? connectionMark?.Parent ?? default;
        return SqlSpanFactory.StartCommand(command, parent);
    }
}
