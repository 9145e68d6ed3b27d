using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Autofac;
using Castle.DynamicProxy;
using AopSqlTracing.Execution;
using AopSqlTracing.Internal;

namespace AopSqlTracing.Proxies;

/// <summary>
/// What every proxy handed out by one traced connection shares: the registration it came from, the provider's
/// connection, the proxy the user holds, the lifetime scope it was resolved in, and the readers still open on it.
/// </summary>
/// <remarks>
/// The connection's interceptor derives from it, so a resolved connection costs one object for both. Readers are
/// tracked under a lock on this (internal) object, so connections that never open a reader allocate no lock.
/// </remarks>
internal abstract class ConnectionContext(TracedDatabase database, DbConnection target, ILifetimeScope? scope)
{
    private List<TracedDataReader>? _openReaders;
    // Few connections have StateChange subscribers: their wrapped handlers live beside them, not in every context.
    private static readonly ConditionalWeakTable<ConnectionContext, List<KeyValuePair<StateChangeEventHandler, StateChangeEventHandler>>> StateChangeHandlers = new();

    private IParentSpanPolicy? _policy;
    private ConnectionFacts? _facts;

    public TracedDatabase Database { get; } = database;

    public DbConnection Target { get; } = target;

    public ILifetimeScope? Scope { get; } = scope;

    /// <summary>Gets the context of one of our connection proxies; null for any other connection.</summary>
    public static ConnectionContext? Of(DbConnection connection)
        => connection is IProxyTargetAccessor accessor && accessor.GetInterceptors() is [ConnectionContext context] ? context : null;

    /// <summary>
    /// Gets the container's parent policy, resolved at the first traced execution rather than per resolve,
    /// so connections that never trace pay nothing for it.
    /// </summary>
    public IParentSpanPolicy Policy => _policy ??= ParentSpanPolicies.Resolve(Scope);

    /// <summary>
    /// Gets what spans say of the connection, read at the first traced execution since it last opened (and again
    /// once a guess about its engine can be replaced by what another connection showed).
    /// </summary>
    public ConnectionFacts Facts => _facts is { Outdated: false } facts ? facts : _facts = ConnectionFacts.Of(Target);

    /// <summary>Forgets the facts: the connection opened, closed or changed database, so they may differ now.</summary>
    public void FactsChanged() => _facts = null;

    /// <summary>
    /// Gets whether only the server, once the connection is open, tells which engine it is (MySqlConnector: MariaDB
    /// or MySQL), so that opening it is worth <see cref="LearnEngine"/>.
    /// </summary>
    public bool TellsEngineOnceOpen => DbSystemNames.Of(Target.GetType()) == DbSystemNames.MySql;

    /// <summary>
    /// Reads the facts of a connection that has just opened when only its server tells its engine: the answer is
    /// remembered for the commands of connections that are not open when they run (a data source's own), even if this
    /// connection never runs a traced command.
    /// </summary>
    public void LearnEngine()
    {
        if (TellsEngineOnceOpen && Target.State == ConnectionState.Open)
        {
            _ = Facts;
        }
    }

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

    public void ReaderOpened(TracedDataReader reader)
    {
        lock (this)
        {
            (_openReaders ??= []).Add(reader);
        }
    }

    public void ReaderClosed(TracedDataReader reader)
    {
        lock (this)
        {
            _openReaders?.Remove(reader);
        }
    }

    /// <summary>A reader the application dropped without disposing ends with its connection, so its span ends too.</summary>
    public void FinishOpenReaders()
    {
        TracedDataReader[] readers;
        lock (this)
        {
            if (_openReaders is not { Count: > 0 })
            {
                return;
            }

            readers = [.. _openReaders];
            _openReaders.Clear();
        }

        foreach (var reader in readers)
        {
            reader.Finish();
        }
    }
}
