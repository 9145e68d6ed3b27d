namespace AopSqlTracing;

/// <summary>
/// The run-time switch of one traced database registration. Resolve it from the container to stop or restart tracing without rebuilding it.
/// </summary>
/// <remarks>
/// Each <see cref="SqlTracingRegistrationExtensions.RegisterTracedDatabase"/> call and the
/// <see cref="SqlTracingRegistrationExtensions.TraceAllDatabases"/> call registers one. Resolving
/// <see cref="ITracedDatabase"/> gives the last one registered; resolve <c>IEnumerable&lt;ITracedDatabase&gt;</c> for all.
/// </remarks>
public interface ITracedDatabase
{
    /// <summary>Gets the options this database was registered with.</summary>
    SqlTracingOptions Options { get; }

    /// <summary>Gets whether commands of this database are traced at all right now.</summary>
    bool IsTracingEnabled { get; }

    /// <summary>Stops tracing: no command of this database starts a span, marked or not, until <see cref="StartTracing"/>.</summary>
    void StopTracing();

    /// <summary>Restarts tracing after <see cref="StopTracing"/>; calling it while tracing is on does nothing.</summary>
    void StartTracing();
}
