using System.Data.Common;
using System.Runtime.CompilerServices;
using AopSqlTracing.Proxies;
using Autofac;
using Autofac.Core;
using Autofac.Core.Resolving.Pipeline;
using AopSqlTracing.Execution;

namespace AopSqlTracing.Autofac;

/// <summary>
/// The traced connection handed out for one provider connection in one lifetime scope. A connection shared by
/// several scopes (<c>SingleInstance</c>, <c>InstancePerMatchingLifetimeScope</c>) gets one proxy per scope that
/// resolves it, so each scope's marks apply to what that scope runs and never to another's; resolving it again in
/// the same scope gives the same proxy. Data sources likewise: the connections a data source proxy opens carry the
/// marks of the scope that resolved it.
/// </summary>
internal static class ConnectionProxies
{
    // Keyed on the scope, so a proxy never keeps its scope alive: providers may hold on to a closed connection
    // (Npgsql's pool does), and a table keyed on the connection would then keep every scope that resolved it.
    private static readonly ConditionalWeakTable<ILifetimeScope, PerScope> Proxies = new();

    /// <param name="target">The provider's connection the registration handed out (shared or new).</param>
    /// <param name="database">The traced database of the registration.</param>
    /// <param name="requesting">The scope the request came from, before Autofac chose the scope that owns the instance.</param>
    /// <param name="context">The finished request.</param>
    public static DbConnection For(DbConnection target, TracedDatabase database, ILifetimeScope requesting, ResolveRequestContext context)
    {
        // A new instance of a registration that never shares is never resolved again: nothing to remember.
        if (context.NewInstanceActivated && context.Registration.Sharing == InstanceSharing.None)
        {
            return Create(target, database, requesting, context).Proxy;
        }

        return Shared(target, database, requesting, context);
    }

    private static DbConnection Shared(DbConnection target, TracedDatabase database, ILifetimeScope requesting, ResolveRequestContext context)
        => Remembered(requesting, target, (target, database, requesting, context), static made => Create(made.target, made.database, made.requesting, made.context).Proxy);

    /// <summary>The traced data source handed out for <paramref name="target"/> in <paramref name="requesting"/>.</summary>
    /// <remarks>
    /// Never registered for disposal: Autofac disposes the provider's data source, once, with the scope that owns it;
    /// a proxy disposed by the user disposes it as the raw one would be.
    /// </remarks>
    public static DbDataSource For(DbDataSource target, TracedDatabase database, ILifetimeScope requesting)
        => Remembered(requesting, target, (target, database, requesting), static made => DbProxyFactory.CreateDataSource(made.target, made.database, made.requesting));

    // What the proxy is made of goes in as a value and the maker is static: a resolve that finds its proxy (every
    // resolve of a shared connection but the scope's first) allocates nothing here.
    private static TProxy Remembered<TProxy, TMadeOf>(ILifetimeScope requesting, object target, TMadeOf madeOf, Func<TMadeOf, TProxy> create)
        where TProxy : class
    {
        var perScope = Proxies.GetValue(requesting, static _ => new PerScope());
        lock (perScope)
        {
            if (perScope.Find(target) is TProxy known)
            {
                return known;
            }

            var proxy = create(madeOf);
            perScope.Add(target, proxy);
            return proxy;
        }
    }

    private static ConnectionContext Create(DbConnection target, TracedDatabase database, ILifetimeScope requesting, ResolveRequestContext context)
    {
        var connection = DbProxyFactory.CreateConnection(target, database, requesting);
        if (ReferenceEquals(requesting, context.ActivationScope))
        {
            // Autofac disposes the provider's connection, once; the proxy is ended just before it by its context (not
            // disposed, which would dispose the provider's connection a second time), so readers still open when the
            // scope ends have their spans finished and the proxy's Disposed subscribers hear of it.
            if (context.NewInstanceActivated && context.Registration.Ownership == InstanceOwnership.OwnedByLifetimeScope)
            {
                context.ActivationScope.Disposer.AddInstanceForAsyncDisposal(connection);
            }
        }
        else
        {
            EndReadersWith(requesting, connection);
        }

        return connection;
    }

    // Another scope's proxy of a shared connection: when that scope ends, its open readers end; the connection itself
    // is not its to dispose. Its own method: the lambda's closure would otherwise be allocated on every resolve.
    private static void EndReadersWith(ILifetimeScope requesting, ConnectionContext connection)
        => requesting.CurrentScopeEnding += (_, _) => connection.FinishOpenReaders();

    // Almost every scope resolves one connection: that one is kept inline, others in a short list.
    private sealed class PerScope
    {
        private object? _firstTarget;
        private object? _firstProxy;
        private List<KeyValuePair<object, object>>? _others;

        public object? Find(object target)
        {
            if (ReferenceEquals(_firstTarget, target))
            {
                return _firstProxy;
            }

            // A loop, not List.Find: its lambda would capture the target, a closure made on every look-up.
            if (_others is not null)
            {
                foreach (var (known, proxy) in _others)
                {
                    if (ReferenceEquals(known, target))
                    {
                        return proxy;
                    }
                }
            }

            return null;
        }

        public void Add(object target, object proxy)
        {
            if (_firstTarget is null)
            {
                (_firstTarget, _firstProxy) = (target, proxy);
            }
            else
            {
                (_others ??= []).Add(new KeyValuePair<object, object>(target, proxy));
            }
        }
    }
}
