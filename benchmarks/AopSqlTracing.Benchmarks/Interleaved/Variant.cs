namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// One way of running the same point select. <see cref="Prepare"/> (untimed) sets the key; <see cref="Execute"/>
/// is the timed part. <see cref="IsBaseline"/> marks the raw variant of its group, which every other is compared to.
/// </summary>
internal sealed class Variant(string group, string name, ListenerWorld world, Action prepare, Func<object?> execute, bool isBaseline = false)
{
    public string Group { get; } = group;

    public string Name { get; } = name;

    public ListenerWorld World { get; } = world;

    public Action Prepare { get; } = prepare;

    public Func<object?> Execute { get; } = execute;

    public bool IsBaseline { get; } = isBaseline;

    public LatencySamples Samples { get; } = new();
}
