using AopSqlTracing;

// In OpenTelemetry's namespace, as the contrib instrumentations do, so the usings that bring the SDK bring this too. The
// class has a name of its own: the SDK already has a public OpenTelemetry.Metrics.MeterProviderBuilderExtensions.
namespace OpenTelemetry.Metrics;

/// <summary>
/// Adds AopSqlTracing's database client metrics to an OpenTelemetry meter provider: <c>db.client.operation.duration</c>
/// and <c>db.client.response.returned_rows</c>, recorded for traced connections whether or not their commands are traced.
/// </summary>
public static class AopSqlTracingMeterProviderBuilderExtensions
{
    /// <summary>
    /// Subscribes the provider to the <see cref="System.Diagnostics.Metrics.Meter"/> named
    /// <see cref="SqlTracing.MeterName"/>. The histograms carry their bucket advice (OpenTelemetry's recommended
    /// boundaries), which the SDK uses unless a view says otherwise.
    /// </summary>
    /// <param name="builder">The meter provider builder to add the meter to.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MeterProviderBuilder AddAopSqlTracing(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        return builder.AddMeter(SqlTracing.MeterName);
    }
}
