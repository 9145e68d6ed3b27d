using System.Data.Common;
using Autofac;
using AopSqlTracing.Internal;
using Castle.DynamicProxy;

namespace AopSqlTracing.Proxies;

/// <summary>
/// Makes our Castle class proxies (with target) of the abstract ADO.NET base classes. Provider classes are sealed,
/// so the proxies derive from <see cref="DbConnection"/>, <see cref="DbCommand"/>, … and forward to the provider's object.
/// Castle caches each proxy type after the first one, keyed on the shared options below.
/// </summary>
internal static class DbProxyFactory
{
    private static readonly ProxyGenerator Generator = new();
    private static readonly Func<object, IInterceptor[], object> NewConnection = Compile<DbConnection>(ConnectionInterceptor.InterceptedMethods);
    private static readonly Func<object, IInterceptor[], object> NewCommand = Compile<DbCommand>(ExecutionInterceptor.InterceptedMethods);
    private static readonly Func<object, IInterceptor[], object> NewBatch = Compile<DbBatch>(ExecutionInterceptor.InterceptedMethods);
    private static readonly Func<object, IInterceptor[], object> NewTransaction = Compile<DbTransaction>(TransactionInterceptor.InterceptedMethods);

    /// <summary>Gets the generator every proxy type of the library comes from, so Castle's type cache is shared.</summary>
    public static ProxyGenerator Shared => Generator;

    /// <summary>Makes a traced connection; the user's object is the returned context's <see cref="ConnectionContext.Proxy"/>.</summary>
    public static ConnectionContext CreateConnection(DbConnection target, TracedDatabase database, ILifetimeScope? scope)
    {
        var interceptor = new ConnectionInterceptor(database, target, scope);
        interceptor.Proxy = Create<DbConnection>(NewConnection, target, interceptor);
        return interceptor;
    }

    public static DbCommand CreateCommand(DbCommand target, ConnectionContext connection)
        => Create<DbCommand>(NewCommand, target, new ExecutionInterceptor(connection));

    public static DbBatch CreateBatch(DbBatch target, ConnectionContext connection)
        => Create<DbBatch>(NewBatch, target, new ExecutionInterceptor(connection));

    public static DbTransaction CreateTransaction(DbTransaction target, ConnectionContext connection)
        => Create<DbTransaction>(NewTransaction, target, new TransactionInterceptor(connection));

    private static Func<object, IInterceptor[], object> Compile<T>(string[] interceptedMethods)
    {
        var options = new ProxyGenerationOptions(new InterceptedMethodsHook(interceptedMethods));
        var proxyType = Generator.ProxyBuilder.CreateClassProxyTypeWithTarget(typeof(T), Type.EmptyTypes, options);
        return ProxyConstructors.Compile(proxyType, typeof(T));
    }

    private static T Create<T>(Func<object, IInterceptor[], object> constructor, T target, ITracingInterceptor interceptor)
        where T : class
    {
        var proxy = (T)constructor(target, [interceptor]);

        // The proxy owns nothing unmanaged; without this its inherited finalizer would dispose the provider's object.
#pragma warning disable CA1816 // Suppressing the finalizer of an object we made, not of ourselves, is the point.
        GC.SuppressFinalize(proxy);
#pragma warning restore CA1816
        return proxy;
    }
}
