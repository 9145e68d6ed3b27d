using System.Data.Common;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// A library step that begins something for a command and a matching end, callable apart so that each can be
/// timed where it runs in a real execution: the begin before the round trip, the end after it.
/// </summary>
/// <param name="Begin">Begins for a command (the provider's), keeping what it begun for <paramref name="End"/>.</param>
/// <param name="End">Ends what the last <paramref name="Begin"/> begun.</param>
internal sealed record SpanProbe(Action<DbCommand> Begin, Action End);
