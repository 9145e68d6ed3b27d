namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// One way of running one piece of work, in its <see cref="ListenerWorld"/>, <see cref="Batch"/> times in a row per
/// round; a round's sample is the batch's time per run, on the wall clock and on the thread's CPU clock.
/// </summary>
internal sealed class ProbeVariant(string key, string name, ListenerWorld world, int batch, Func<object?> run)
{
    /// <summary>Gets the short name the figures, <c>--loop</c> and the table use.</summary>
    public string Key { get; } = key;

    public string Name { get; } = name;

    public ListenerWorld World { get; } = world;

    public int Batch { get; } = batch;

    public Func<object?> Run { get; } = run;

    /// <summary>Gets the wall time per run, in ns, one value per round.</summary>
    public List<double> Wall { get; } = [];

    /// <summary>Gets the thread's CPU time per run, in ns, one value per round.</summary>
    public List<double> Cpu { get; } = [];

    /// <summary>Gets or sets the spans our listener saw stop, and the measurements our meter listener took, during the timed runs.</summary>
    public (long Spans, long Measurements, long Runs) Seen { get; set; }
}
