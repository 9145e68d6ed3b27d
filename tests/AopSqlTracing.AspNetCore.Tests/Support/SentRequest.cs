using System.Diagnostics;
using System.Net;

namespace AopSqlTracing.AspNetCore.Tests.Support;

/// <summary>A request a test sent, with the trace it started and the answer it got.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path and query.</param>
/// <param name="TraceId">The trace of the request's <c>traceparent</c>: the request span and all under it are in it.</param>
/// <param name="CallerSpanId">The caller's span in that header: the parent of the request span.</param>
/// <param name="Response">The response.</param>
/// <param name="Body">The response's body, read.</param>
public sealed record SentRequest(
    HttpMethod Method, string Path, ActivityTraceId TraceId, ActivitySpanId CallerSpanId, HttpResponseMessage Response, string Body)
{
    /// <summary>Gets the response's status code.</summary>
    public HttpStatusCode Status => Response.StatusCode;

    public override string ToString() => $"{Method} {Path} (trace {TraceId})";
}
