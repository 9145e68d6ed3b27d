namespace AopSqlTracing.Reliability.Support;

/// <summary>
/// Tests that install listeners which throw, measure the heap or time the library: they run alone, after the
/// parallel tests, so nothing else in the process disturbs what they measure or gets hit by what they install.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
#pragma warning disable CA1711 // "Collection" is xunit's word for it.
public sealed class SerialCollection
#pragma warning restore CA1711
{
    public const string Name = "Serial";
}
