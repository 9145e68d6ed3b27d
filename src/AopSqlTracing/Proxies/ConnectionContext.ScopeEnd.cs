namespace AopSqlTracing.Proxies;

/// <summary>
/// The end of a traced connection whose provider connection a lifetime scope owns: the context itself is handed to
/// that scope's disposer right after the provider's connection, so it runs just before Autofac disposes that
/// connection (one object per resolve fewer than a separate end would cost).
/// </summary>
/// <remarks>
/// It closes the connection through the proxy, as disposing it would (readers still open have their spans finished,
/// <c>StateChange</c> subscribers hear the close), and raises the proxy's <c>Disposed</c>; it never disposes the
/// provider's connection, which Autofac disposes once itself, as it would without tracing.
/// A proxy the user has disposed already is left alone. Explicit: nothing else ends a context.
/// </remarks>
internal abstract partial class ConnectionContext : IDisposable, IAsyncDisposable
{
    void IDisposable.Dispose()
    {
        if (EndingWithScope())
        {
            Proxy.Close();
            ProxyEvents.RaiseDisposed(Proxy);
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        if (EndingWithScope())
        {
            await Proxy.CloseAsync().ConfigureAwait(false);
            ProxyEvents.RaiseDisposed(Proxy);
        }
    }

    private bool EndingWithScope()
    {
        if (IsDisposed)
        {
            return false;
        }

        IsDisposed = true;
        return true;
    }
}
