using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using AopSqlTracing.Internal;
using AopSqlTracing.Statements;

namespace AopSqlTracing.Execution;

/// <summary>
/// Puts the OpenTelemetry database attributes on a command or batch span; the one place a SQL span's tags are
/// built. Every attribute but the parameters is handed to <c>ActivitySource.CreateActivity</c>: a head sampler
/// decides on them, and the span gets them without a look-up per tag.
/// </summary>
internal static class SpanTags
{
    /// <summary>The attributes known before the span exists: system, operation, table, summary, server, namespace, text.</summary>
    public static void AddCreationTags(CreationTags tags, in SpanDescription description, ConnectionFacts facts)
    {
        tags.Add(DbAttributes.SystemName, facts.SystemName);
        tags.Add(DbAttributes.OperationName, description.Operation);
        tags.Add(DbAttributes.CollectionName, description.Collection);
        tags.Add(DbAttributes.QuerySummary, description.Summary);
        tags.Add(DbAttributes.ServerAddress, facts.Server.Address);
        tags.Add(DbAttributes.ServerPort, facts.Port);
        tags.Add(DbAttributes.Namespace, facts.Namespace);
        tags.Add(DbAttributes.StoredProcedureName, description.ProcedureName);
        tags.Add(DbAttributes.QueryText, description.QueryText);
        tags.Add(DbAttributes.BatchSize, description.BatchSize >= 2 ? description.BatchSize : null);
    }

    /// <summary>The parameters of a sampled command span, when the options record them.</summary>
    public static void AddParameters(Activity activity, DbCommand command, SqlTracingOptions options)
    {
        try
        {
            var parameters = command.Parameters;
            for (var i = 0; i < parameters.Count; i++)
            {
                var parameter = parameters[i];
                var name = parameter.ParameterName.TrimStart('@', ':', '$', '?');
                activity.SetTag(
                    DbAttributes.QueryParameterPrefix + (name.Length > 0 ? name : i.ToString(CultureInfo.InvariantCulture)),
                    ParameterValue(parameter.Value, options.MaxParameterValueLength));
            }
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("tags", exception);
        }
    }

    /// <summary>Records how many rows a reader handed out before it closed.</summary>
    public static void AddReturnedRows(Activity activity, long rows)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(DbAttributes.ReturnedRows, rows);
        }
    }

    private static object? ParameterValue(object? value, int maxLength) => value switch
    {
        null or DBNull => null,
        byte[] bytes => bytes.Length,
        string text => QueryTexts.Cut(text, maxLength),
        bool or byte or short or int or long or float or double or decimal => value,
        IFormattable formattable => QueryTexts.Cut(formattable.ToString(null, CultureInfo.InvariantCulture), maxLength),
        _ => QueryTexts.Cut(value.ToString() ?? string.Empty, maxLength),
    };
}
