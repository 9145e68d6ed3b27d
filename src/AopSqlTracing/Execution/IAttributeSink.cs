namespace AopSqlTracing.Execution;

/// <summary>
/// Where <see cref="SqlAttributes"/> puts attributes: a span's creation tags, a measurement's tag list, a span being
/// failed. A value of null is never added.
/// </summary>
internal interface IAttributeSink
{
    void Add(string key, object? value);
}
