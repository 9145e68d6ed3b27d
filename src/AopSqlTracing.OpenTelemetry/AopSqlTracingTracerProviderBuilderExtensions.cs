using AopSqlTracing;

// In OpenTelemetry's namespace, as the contrib instrumentations do, so the usings that bring the SDK bring this too. The class
// has a name of its own: the SDK already has a public OpenTelemetry.Trace.TracerProviderBuilderExtensions.
namespace OpenTelemetry.Trace;

/// <summary>
/// Adds AopSqlTracing's SQL spans to an OpenTelemetry tracer provider.
/// Use it where the provider is built, so the spans of traced connections, commands and repositories are exported.
/// </summary>
public static class AopSqlTracingTracerProviderBuilderExtensions
{
    /// <summary>
    /// Subscribes the provider to the <see cref="System.Diagnostics.ActivitySource"/> named
    /// <see cref="SqlTracing.ActivitySourceName"/>, the source of every span AopSqlTracing starts.
    /// Call it once per provider, next to the exporters, instead of spelling the source name by hand.
    /// </summary>
    /// <param name="builder">The tracer provider builder to add the source to.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static TracerProviderBuilder AddAopSqlTracing(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        return builder.AddSource(SqlTracing.ActivitySourceName);
    }
}
