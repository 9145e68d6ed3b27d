namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>What listens while a variant runs, so each runs in the world it would have on its own.</summary>
internal enum ListenerWorld
{
    /// <summary>Nothing the variant touches is listened to: it runs in whatever world is on.</summary>
    Any,

    /// <summary>No listener at all (raw Npgsql: its own source must not be listened to).</summary>
    None,

    /// <summary>An ActivityListener sampling all on our source and on the span floor's source.</summary>
    Spans,

    /// <summary>An ActivityListener sampling all on Npgsql's own source "Npgsql" only.</summary>
    Npgsql,

    /// <summary>A MeterListener on our meter, and no ActivityListener.</summary>
    Measurements,
}
