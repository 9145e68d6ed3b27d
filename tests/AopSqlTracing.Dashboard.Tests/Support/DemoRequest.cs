namespace AopSqlTracing.Dashboard.Tests.Support;

/// <summary>A request the test sends to the web demo, and the SQL span a user expects to find under it.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path.</param>
/// <param name="Body">The JSON body, or <see langword="null"/>.</param>
/// <param name="Repository">The repository call between the request and its SQL, or <see langword="null"/> when the endpoint uses the connection itself.</param>
/// <param name="QueryText">The expected <c>db.query.text</c>: the demo's SQL, sanitised.</param>
/// <param name="Operation">The expected <c>db.operation.name</c>.</param>
/// <param name="Collection">The expected <c>db.collection.name</c>, or <see langword="null"/> when the statement names no table.</param>
public sealed record DemoRequest(
    HttpMethod Method, string Path, object? Body, string? Repository, string QueryText, string Operation, string? Collection)
{
    /// <summary>Whether <paramref name="span"/> is this request's server span.</summary>
    public bool IsServedBy(ExportedSpan span)
        => span.Kind == ExportedSpanKind.Server
            && span.Attribute("http.request.method") == Method.Method
            && span.Attribute("url.path") == Path;

    public override string ToString() => $"{Method} {Path}";
}
