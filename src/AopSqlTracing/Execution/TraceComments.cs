using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Statements;
using System.Runtime.CompilerServices;

namespace AopSqlTracing.Execution;

/// <summary>
/// sqlcommenter on a command: the span's context goes into the text while the command runs, and the user's text is
/// put back when the execution ends (for a reader, when it closes: providers refuse a new text while it is open).
/// </summary>
internal static class TraceComments
{
    /// <summary>Comments the command's text; returns the text to put back, or null when it was left alone.</summary>
    // Off the common path: kept out of its callers' stack frames (a frame is zeroed whole on every call).
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string? Add(DbCommand command, Activity activity, SqlDialect dialect)
    {
        try
        {
            var text = command.CommandText;
            if (SqlCommenter.TryComment(text, dialect, activity, out var commented))
            {
                command.CommandText = commented;
                return text;
            }
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("sqlcommenter", exception);
        }

        return null;
    }

    public static void Restore(DbCommand? command, string? original)
    {
        if (command is null || original is null)
        {
            return;
        }

        try
        {
            command.CommandText = original;
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("sqlcommenter restore", exception);
        }
    }
}
