using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using AopSqlTracing.Engines;
using AopSqlTracing.Statements;

namespace AopSqlTracing.Execution;

/// <summary>
/// The one place the attributes of a SQL operation are built, for its span and for its measurements alike: what ran
/// and where (both), the text and batch size (the span only: they are not low-cardinality), and how it failed (one
/// classification for both). Generic over the sink, so a measurement's <see cref="TagList"/> stays on the stack.
/// </summary>
internal static class SqlAttributes
{
    /// <summary>The attributes a span and a measurement share: engine, namespace, operation, collection, summary, procedure, server.</summary>
    public static void AddOperation<TSink>(ref TSink sink, in SpanDescription description, ConnectionFacts facts)
        where TSink : IAttributeSink
        => AddOperation(ref sink, description.Operation, description.Collection, description.Summary, description.ProcedureName, facts);

    /// <summary>The shared attributes, from the parts of a description a measurement keeps.</summary>
    public static void AddOperation<TSink>(ref TSink sink, string? operation, string? collection, string? summary, string? procedure, ConnectionFacts facts)
        where TSink : IAttributeSink
    {
        sink.Add(DbAttributes.SystemName, facts.Engine.SystemName);
        sink.Add(DbAttributes.Namespace, facts.Namespace);
        sink.Add(DbAttributes.OperationName, operation);
        sink.Add(DbAttributes.CollectionName, collection);
        sink.Add(DbAttributes.QuerySummary, summary);
        sink.Add(DbAttributes.StoredProcedureName, procedure);
        sink.Add(DbAttributes.ServerAddress, facts.Server.Address);
        sink.Add(DbAttributes.ServerPort, facts.Port);
    }

    /// <summary>Every attribute known before the span exists: the shared ones, the text and the batch size.</summary>
    public static void AddSpanCreation(CreationTags tags, in SpanDescription description, ConnectionFacts facts)
    {
        AddOperation(ref tags, description, facts);
        tags.Add(DbAttributes.QueryText, description.QueryText);
        tags.Add(DbAttributes.BatchSize, description.BatchSize >= 2 ? description.BatchSize : null);
    }

    /// <summary>
    /// How an operation failed: <c>error.type</c>, and the engine's <c>db.response.status_code</c> when a provider's
    /// exception is there (providers wrap a server-side cancellation in <see cref="OperationCanceledException"/>: its
    /// code is inside).
    /// </summary>
    public static void AddFailure<TSink>(ref TSink sink, Exception failure, DbEngine engine)
        where TSink : IAttributeSink
    {
        sink.Add(DbAttributes.ErrorType, failure.GetType().FullName);
        if ((failure as DbException ?? failure.InnerException as DbException) is { } dbException)
        {
            sink.Add(DbAttributes.ResponseStatusCode, engine.StatusCodeOf(dbException));
        }
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
