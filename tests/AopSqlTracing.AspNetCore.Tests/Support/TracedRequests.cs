using System.Diagnostics;
using System.Net.Http.Json;

namespace AopSqlTracing.AspNetCore.Tests.Support;

/// <summary>Requests sent as a traced caller sends them, each in a trace of its own.</summary>
public static class TracedRequests
{
    /// <summary>
    /// Sends one request with a <c>traceparent</c> header of a new trace, so the request span, and everything under
    /// it, is in a trace no other request shares.
    /// </summary>
    public static async Task<SentRequest> SendAsync(HttpClient client, HttpMethod method, string path, object? json = null)
    {
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpanId = ActivitySpanId.CreateRandom();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpanId}-01");
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new SentRequest(method, path, traceId, callerSpanId, response, body);
    }
}
