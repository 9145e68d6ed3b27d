namespace AopSqlTracing;

/// <summary>
/// Opts a repository interface, or some of its methods, into tracing: each call becomes a span that is the parent
/// of the SQL run inside it, and that SQL is traced even when <see cref="SqlTracingOptions.TraceAllCommands"/> is off.
/// </summary>
/// <remarks>
/// Registrations exposing such an interface are proxied automatically once tracing is registered
/// (<see cref="SqlTracingRegistrationExtensions.RegisterTracedDatabase"/> or
/// <see cref="SqlTracingRegistrationExtensions.TraceAllDatabases"/>). On an interface, every method is traced; on
/// methods, only those. For interfaces you cannot annotate, use <c>EnableSqlTracing()</c> on the registration.
/// </remarks>
[AttributeUsage(AttributeTargets.Interface | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class TracedAttribute : Attribute
{
    /// <summary>Gets or sets the span name; defaults to <c>IInterface.Method</c>.</summary>
    public string? Name { get; set; }
}
