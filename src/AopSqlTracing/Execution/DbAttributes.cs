namespace AopSqlTracing.Execution;

/// <summary>Span attribute names, from the OpenTelemetry database semantic conventions; the only place they are spelled.</summary>
internal static class DbAttributes
{
    public const string SystemName = "db.system.name";
    public const string Namespace = "db.namespace";
    public const string CollectionName = "db.collection.name";
    public const string OperationName = "db.operation.name";
    public const string QuerySummary = "db.query.summary";
    public const string QueryText = "db.query.text";
    public const string QueryParameterPrefix = "db.query.parameter.";
    public const string StoredProcedureName = "db.stored_procedure.name";
    public const string BatchSize = "db.operation.batch.size";
    public const string ResponseStatusCode = "db.response.status_code";
    public const string ReturnedRows = "db.response.returned_rows";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ErrorType = "error.type";

    // On repository spans, from the code conventions.
    public const string CodeFunctionName = "code.function.name";
}
