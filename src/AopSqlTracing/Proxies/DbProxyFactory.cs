using System.Data.Common;
using System.Diagnostics;
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
    private static readonly ProxyGenerationOptions ConnectionOptions = new(new InterceptedMethodsHook(ConnectionInterceptor.InterceptedMethods));
    private static readonly ProxyGenerationOptions CommandOptions = new(new InterceptedMethodsHook(ExecutionInterceptor.InterceptedMethods));
    private static readonly ProxyGenerationOptions BatchOptions = new(new InterceptedMethodsHook(ExecutionInterceptor.InterceptedMethods));
    private static readonly ProxyGenerationOptions TransactionOptions = new(new InterceptedMethodsHook(TransactionInterceptor.InterceptedMethods));
    private static readonly ProxyGenerationOptions ReaderOptions = new(new InterceptedMethodsHook(ReaderInterceptor.InterceptedMethods));

    public static DbConnection CreateConnection(DbConnection target, TracedDatabase database, ILifetimeScope? scope)
    {
        var context = new ConnectionContext(database, target, scope);
        var proxy = Create<DbConnection>(target, ConnectionOptions, new ConnectionInterceptor(context));
        context.Proxy = proxy;
        return proxy;
    }

    public static DbCommand CreateCommand(DbCommand target, ConnectionContext connection)
        => Create<DbCommand>(target, CommandOptions, new ExecutionInterceptor(connection));

    public static DbBatch CreateBatch(DbBatch target, ConnectionContext connection)
        => Create<DbBatch>(target, BatchOptions, new ExecutionInterceptor(connection));

    public static DbTransaction CreateTransaction(DbTransaction target, ConnectionContext connection)
        => Create<DbTransaction>(target, TransactionOptions, new TransactionInterceptor(connection));

    public static DbDataReader CreateReader(DbDataReader target, Activity activity, ConnectionContext connection)
    {
        var interceptor = new ReaderInterceptor(activity, connection);
        connection.ReaderOpened(interceptor);
        return Create<DbDataReader>(target, ReaderOptions, interceptor);
    }

    private static T Create<T>(T target, ProxyGenerationOptions options, ITracingInterceptor interceptor)
        where T : class
    {
        var proxy = Generator.CreateClassProxyWithTarget(target, options, interceptor);

        // The proxy owns nothing unmanaged; without this its inherited finalizer would dispose the provider's object.
#pragma warning disable CA1816 // Suppressing the finalizer of an object we made, not of ourselves, is the point.
        GC.SuppressFinalize(proxy);
#pragma warning restore CA1816
        return proxy;
    }
}
