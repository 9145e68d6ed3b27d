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
    private string? _name;

    /// <summary>
    /// Gets or sets a name. On a method it is the span's name; on an interface it replaces the interface's name in
    /// each method's span name (<c>Name.Method</c>). Defaults to <c>IInterface.Method</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or only white space.</exception>
    public string? Name
    {
        get => _name;
        set => _name = value is null || !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new ArgumentException("A [Traced] name must have a visible character; leave Name unset for the default IInterface.Method.", nameof(Name));
    }
}
