using System.Diagnostics;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>Which ActivitySource is listened to (sampling AllDataAndRecorded, doing nothing else) while a variant runs.</summary>
internal enum ListenerWorld
{
    None,
    AopSqlTracing,
    Npgsql,
    SpanFloor,
}

/// <summary>
/// Attaches the one listener a variant needs and detaches the previous one, between timed executions, so each
/// variant runs in the world it would have on its own: raw Npgsql with no listener anywhere (Npgsql's
/// <c>HasListeners()</c> false), Npgsql's tracing with only its source listened to, ours with only ours.
/// </summary>
internal sealed class ListenerSwitch : IDisposable
{
    public const string SpanFloorSource = "InterleavedSpanFloor";

    private ActivityListener? _listener;

    public ListenerWorld World { get; private set; } = ListenerWorld.None;

    public int Switches { get; private set; }

    public void Enter(ListenerWorld world)
    {
        if (world == World)
        {
            return;
        }

        _listener?.Dispose();
        _listener = world switch
        {
            ListenerWorld.None => null,
            ListenerWorld.AopSqlTracing => SpanListener.Start(SqlTracing.ActivitySourceName),
            ListenerWorld.Npgsql => SpanListener.Start("Npgsql"),
            ListenerWorld.SpanFloor => SpanListener.Start(SpanFloorSource),
            _ => throw new ArgumentOutOfRangeException(nameof(world), world, "unknown listener world"),
        };
        World = world;
        Switches++;
    }

    public void Dispose()
    {
        _listener?.Dispose();
        _listener = null;
        World = ListenerWorld.None;
    }
}
