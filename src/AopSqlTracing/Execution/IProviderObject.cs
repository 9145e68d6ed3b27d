namespace AopSqlTracing.Execution;

/// <summary>A wrapper of ours that is not a Castle proxy, and the provider's object it wraps.</summary>
internal interface IProviderObject
{
    object Target { get; }
}
