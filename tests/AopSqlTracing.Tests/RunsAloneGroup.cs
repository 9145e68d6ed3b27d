namespace AopSqlTracing.Tests;

/// <summary>
/// Tests that must not share the process with others: those whose own <see cref="System.Diagnostics.ActivityListener"/>
/// decides sampling (listeners are global, and a span is created when any listener samples it) and those that measure
/// the process's memory. They run alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAloneGroup
{
    public const string Name = "Runs alone";
}
