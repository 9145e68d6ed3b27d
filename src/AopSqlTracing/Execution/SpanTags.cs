using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using AopSqlTracing.Internal;
using AopSqlTracing.Statements;

namespace AopSqlTracing.Execution;

/// <summary>
/// Puts the OpenTelemetry database attributes on a command or batch span: the sampler's share at creation, the
/// rest once the span is sampled. The one place a SQL span's tags are built.
/// </summary>
internal static class SpanTags
{
    /// <summary>The tags a sampler sees: system, operation, table, summary and server address.</summary>
    public static void AddCreationTags(CreationTags tags, in SpanDescription description, ConnectionFacts facts)
    {
        tags.Add(DbAttributes.SystemName, facts.SystemName);
        tags.Add(DbAttributes.OperationName, description.Operation);
        tags.Add(DbAttributes.CollectionName, description.Collection);
        tags.Add(DbAttributes.QuerySummary, description.Summary);
        tags.Add(DbAttributes.ServerAddress, facts.Server.Address);
    }

    /// <summary>The tags of a sampled span that a sampler does not need.</summary>
    /// <param name="activity">The sampled span.</param>
    /// <param name="description">What runs.</param>
    /// <param name="facts">The connection it runs on.</param>
    /// <param name="command">The provider's command, whose parameters are read only when the options record them.</param>
    /// <param name="options">The traced database's options.</param>
    public static void AddRest(Activity activity, in SpanDescription description, ConnectionFacts facts, DbCommand? command, SqlTracingOptions options)
    {
        try
        {
            activity.SetTag(DbAttributes.Namespace, facts.Namespace);
            if (facts.Server is { Address: not null, Port: { } port })
            {
                activity.SetTag(DbAttributes.ServerPort, port);
            }

            activity.SetTag(DbAttributes.StoredProcedureName, description.ProcedureName);
            activity.SetTag(DbAttributes.QueryText, description.QueryText);
            if (description.BatchSize >= 2)
            {
                activity.SetTag(DbAttributes.BatchSize, description.BatchSize);
            }

            if (options.RecordParameters && command is not null)
            {
                AddParameters(activity, command.Parameters, options.MaxParameterValueLength);
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

    private static void AddParameters(Activity activity, DbParameterCollection parameters, int maxLength)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            var name = parameter.ParameterName.TrimStart('@', ':', '$', '?');
            activity.SetTag(
                DbAttributes.QueryParameterPrefix + (name.Length > 0 ? name : i.ToString(CultureInfo.InvariantCulture)),
                ParameterValue(parameter.Value, maxLength));
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
