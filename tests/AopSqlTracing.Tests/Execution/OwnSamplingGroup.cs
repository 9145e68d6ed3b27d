namespace AopSqlTracing.Tests.Execution;

/// <summary>
/// Tests whose own <see cref="System.Diagnostics.ActivityListener"/> decides sampling: listeners are global, and a
/// span is created when any listener samples it, so these run alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OwnSamplingGroup
{
    public const string Name = "Own sampling listener";
}
