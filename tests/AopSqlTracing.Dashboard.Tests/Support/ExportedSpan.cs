namespace AopSqlTracing.Dashboard.Tests.Support;

/// <summary>One span as the dashboard gives it back over its API (OTLP JSON, ids in hex).</summary>
/// <param name="Scope">The instrumentation scope, the name of the <c>ActivitySource</c> that started it.</param>
/// <param name="TraceId">The trace id.</param>
/// <param name="SpanId">The span id.</param>
/// <param name="ParentSpanId">The parent's span id, or <see langword="null"/> for a root span.</param>
/// <param name="Name">The display name.</param>
/// <param name="Kind">The OTLP span kind.</param>
/// <param name="Attributes">The attributes, each value as the dashboard's text.</param>
public sealed record ExportedSpan(
    string Scope, string TraceId, string SpanId, string? ParentSpanId, string Name, ExportedSpanKind Kind, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>Gets the attribute's value, or <see langword="null"/> when the span has no such attribute.</summary>
    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? value : null;

    public override string ToString() => $"{Kind} '{Name}' ({Scope}, trace {TraceId}, span {SpanId})";
}
