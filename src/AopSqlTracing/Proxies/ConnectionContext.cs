using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using AopSqlTracing.Execution;
using Autofac;
using Castle.DynamicProxy;

namespace AopSqlTracing.Proxies;

/// <summary>
/// What every proxy handed out by one traced connection shares beyond what the door needs of it
/// (<see cref="TracedConnection"/>): the proxy the user holds, its latest transaction, its event subscribers.
/// </summary>
/// <remarks>The connection's interceptor derives from it, so a resolved connection costs one object for both.</remarks>
internal abstract partial class ConnectionContext(TracedDatabase database, DbConnection target, ILifetimeScope? scope)
    : TracedConnection(database, target, scope)
{
    // Few connections have StateChange subscribers: their wrapped handlers live beside them, not in every context.
    private static readonly ConditionalWeakTable<ConnectionContext, List<KeyValuePair<StateChangeEventHandler, StateChangeEventHandler>>> StateChangeHandlers = new();

    /// <summary>Gets the context of one of our connection proxies; null for any other connection.</summary>
    public static ConnectionContext? Of(DbConnection connection)
        => connection is IProxyTargetAccessor accessor && accessor.GetInterceptors() is [ConnectionContext context] ? context : null;
    /// <summary>Gets the proxy the user holds; set once, right after the proxy is made.</summary>
    public DbConnection Proxy { get; set; } = null!;

    /// <summary>
    /// Gets or sets whether the proxy has been disposed, by the user or with the lifetime scope that owns its
    /// provider connection: the scope's end then has nothing left to do on it.
    /// </summary>
    public bool IsDisposed { get; set; }

    /// <summary>
    /// Gets the traced transaction most recently begun on this connection: a provider that assigns its current
    /// transaction to new commands itself (Microsoft.Data.Sqlite) hands out the provider's, and the command's
    /// getter gives back this one instead.
    /// </summary>
    public DbTransaction? LastTransaction { get; private set; }

    /// <summary>Wraps a transaction the provider began in our proxy, and remembers it as the connection's latest.</summary>
    public DbTransaction TraceTransaction(DbTransaction transaction) => LastTransaction = DbProxyFactory.CreateTransaction(transaction, this);

    /// <summary>Gives the provider a handler that calls <paramref name="handler"/> with the proxy as sender.</summary>
    public StateChangeEventHandler? SubscribeStateChange(StateChangeEventHandler? handler)
    {
        if (handler is null)
        {
            return null;
        }

        var wrapped = ProxyEvents.WithSender(handler, Proxy);
        var handlers = StateChangeHandlers.GetValue(this, static _ => []);
        lock (handlers)
        {
            handlers.Add(new(handler, wrapped));
        }

        return wrapped;
    }

    /// <summary>Finds the handler given to the provider for <paramref name="handler"/>, as <c>-=</c> removes the last one added.</summary>
    public StateChangeEventHandler? UnsubscribeStateChange(StateChangeEventHandler? handler)
    {
        if (!StateChangeHandlers.TryGetValue(this, out var handlers))
        {
            return handler;
        }

        lock (handlers)
        {
            var index = handlers.FindLastIndex(entry => entry.Key == handler);
            if (index < 0)
            {
                return handler;
            }

            var wrapped = handlers[index].Value;
            handlers.RemoveAt(index);
            return wrapped;
        }
    }
}
