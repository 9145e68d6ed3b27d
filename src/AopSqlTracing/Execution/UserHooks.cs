using System.Data.Common;
using System.Diagnostics;

namespace AopSqlTracing.Execution;

/// <summary>
/// Calls the user's <see cref="SqlTracingOptions"/> hooks. A hook that throws is reported once on the EventSource
/// and never reaches the database call: a throwing filter counts as "no span".
/// </summary>
internal static class UserHooks
{
    public static bool Filter(SqlTracingOptions options, DbCommand command)
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

    public static void Enrich(SqlTracingOptions options, Activity activity, DbCommand command)
    {
        if (options.Enrich is not { } enrich || !activity.IsAllDataRequested)
        {
            return;
        }

        try
        {
            enrich(activity, command);
        }
        catch (Exception exception)
        {
            options.HookFailures.Report(UserHook.Enrich, exception);
        }
    }

    public static void EnrichWithException(SqlTracingOptions options, Activity activity, Exception failure)
    {
        if (options.EnrichWithException is not { } enrich)
        {
            return;
        }

        try
        {
            enrich(activity, failure);
        }
        catch (Exception exception)
        {
            options.HookFailures.Report(UserHook.EnrichWithException, exception);
        }
    }
}
