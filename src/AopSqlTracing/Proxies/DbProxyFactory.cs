using System.Data.Common;
using Autofac;
using Castle.DynamicProxy;
using AopSqlTracing.Execution;

namespace AopSqlTracing.Proxies;

/// <summary>
/// Makes our Castle class proxies (with target) of the abstract ADO.NET base classes. Provider classes are sealed,
/// so the proxies derive from <see cref="DbConnection"/>, <see cref="DbCommand"/>, … and forward to the provider's object.
/// Each proxy type is made once per kind and provider type (<see cref="ProxyKind"/>).
/// </summary>
internal static class DbProxyFactory
{
    private static readonly ProxyGenerator Generator = new();
    private static readonly ProxyKind Connections = new(Generator, typeof(DbConnection), ConnectionInterceptor.InterceptedMethods);
    private static readonly ProxyKind Commands = new(Generator, typeof(DbCommand), ExecutionInterceptor.InterceptedMethods);
    private static readonly ProxyKind Batches = new(Generator, typeof(DbBatch), ExecutionInterceptor.InterceptedMethods);
    private static readonly ProxyKind Transactions = new(Generator, typeof(DbTransaction), TransactionInterceptor.InterceptedMethods);
    private static readonly ProxyKind DataSources = new(Generator, typeof(DbDataSource), DataSourceInterceptor.InterceptedMethods);

    /// <summary>Gets the generator every proxy type of the library comes from, so Castle's type cache is shared.</summary>
    public static ProxyGenerator Shared => Generator;

    /// <summary>Makes a traced connection; the user's object is the returned context's <see cref="ConnectionContext.Proxy"/>.</summary>
    public static ConnectionContext CreateConnection(DbConnection target, TracedDatabase database, ILifetimeScope? scope)
    {
        var interceptor = new ConnectionInterceptor(database, target, scope);
        interceptor.Proxy = Create<DbConnection>(Connections, target, interceptor);
        return interceptor;
    }

    /// <summary>Makes a traced data source, whose connections carry <paramref name="scope"/>'s marks.</summary>
    public static DbDataSource CreateDataSource(DbDataSource target, TracedDatabase database, ILifetimeScope? scope)
        => Create<DbDataSource>(DataSources, target, new DataSourceInterceptor(database, target, scope));

    public static DbCommand CreateCommand(DbCommand target, ConnectionContext connection)
        => Create<DbCommand>(Commands, target, new ExecutionInterceptor(connection));

    public static DbBatch CreateBatch(DbBatch target, ConnectionContext connection)
        => Create<DbBatch>(Batches, target, new ExecutionInterceptor(connection));

    public static DbTransaction CreateTransaction(DbTransaction target, ConnectionContext connection)
        => Create<DbTransaction>(Transactions, target, new TransactionInterceptor(connection));

    private static T Create<T>(ProxyKind kind, T target, ITracingInterceptor interceptor)
        where T : class
    {
        var proxy = (T)kind.ConstructorFor(target.GetType())(target, [interceptor]);

        // The proxy owns nothing unmanaged; without this its inherited finalizer would dispose the provider's object.
#pragma warning disable CA1816 // Suppressing the finalizer of an object we made, not of ourselves, is the point.
        GC.SuppressFinalize(proxy);
#pragma warning restore CA1816
        return proxy;
    }
}
