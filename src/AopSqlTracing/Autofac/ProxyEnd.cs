using AopSqlTracing.Proxies;

namespace AopSqlTracing.Autofac;

/// <summary>
/// The end of a traced connection whose provider connection a lifetime scope owns, handed to that scope's disposer
/// right after the provider's connection, so it runs just before Autofac disposes that connection.
/// </summary>
/// <remarks>
/// It closes the connection through the proxy, as disposing it would (readers still open have their spans finished,
/// <c>StateChange</c> subscribers hear the close), and raises the proxy's <c>Disposed</c>; it never disposes the
/// provider's connection, which Autofac disposes once itself, as it would without tracing.
/// A proxy the user has disposed already is left alone.
/// </remarks>
internal sealed class ProxyEnd(ConnectionContext connection) : IDisposable, IAsyncDisposable
{
    public void Dispose()
    {
        if (Ending())
        {
            connection.Proxy.Close();
            ProxyEvents.RaiseDisposed(connection.Proxy);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Ending())
        {
            await connection.Proxy.CloseAsync().ConfigureAwait(false);
            ProxyEvents.RaiseDisposed(connection.Proxy);
        }
    }

    private bool Ending()
    {
        if (connection.IsDisposed)
        {
            return false;
        }

        connection.IsDisposed = true;
        return true;
    }
}
