using System.Data.Common;
using Autofac;
using Castle.DynamicProxy;
using AopSqlTracing.Execution;

namespace AopSqlTracing.Proxies;

/// <summary>
/// A traced data source: the connections it creates or opens are traced connections of its database, carrying the
/// marks of the lifetime scope that resolved it; the commands and batches it runs itself (without a connection of
/// the user's) are traced commands and batches. Everything else goes straight to the provider's data source.
/// </summary>
internal sealed class DataSourceInterceptor(TracedDatabase database, DbDataSource target, ILifetimeScope? scope) : ITracingInterceptor
{
    public static readonly string[] InterceptedMethods =
    [
        "CreateDbConnection", "OpenDbConnection", "OpenDbConnectionAsync", "CreateDbCommand", "CreateDbBatch",
    ];

    // What the data source's own commands run on, as far as spans and marks go: a connection it never opens.
    private ConnectionContext? _ownCommands;

    public void Intercept(IInvocation invocation)
    {
        if (ProxyTargets.IsExtraInterfaceCall(invocation))
        {
            ProxyTargets.Proceed(invocation);
            return;
        }

        // An open is timed on a connection of the same source (the one the data source's own commands run on), made
        // only when the option is on: the connection being opened does not exist until the call returns.
        if (invocation.Method.Name is "OpenDbConnection" or "OpenDbConnectionAsync" && SqlDoor.Watches(database.Options, SqlDoor.ConnectionOperation.Open))
        {
            Completion.ProceedAndEnd(invocation, SqlDoor.BeginConnectionOperation(SqlDoor.ConnectionOperation.Open, OwnCommands));
        }
        else
        {
            invocation.Proceed();
        }

        switch (invocation.Method.Name)
        {
            case "CreateDbConnection" or "OpenDbConnection":
                invocation.ReturnValue = Traced((DbConnection)invocation.ReturnValue!);
                break;
            case "OpenDbConnectionAsync":
                Completion.ReturnMapped<DbConnection>(invocation, Traced);
                break;
            case "CreateDbCommand":
                invocation.ReturnValue = DbProxyFactory.CreateCommand((DbCommand)invocation.ReturnValue!, OwnCommands);
                break;
            case "CreateDbBatch":
                invocation.ReturnValue = DbProxyFactory.CreateBatch((DbBatch)invocation.ReturnValue!, OwnCommands);
                break;
            default:
                break;
        }
    }

    private ConnectionContext OwnCommands => _ownCommands ??= OwnCommandsContext();

    private ConnectionContext OwnCommandsContext()
    {
        var context = DbProxyFactory.CreateConnection(target.CreateConnection(), database, scope);
        context.CommandsNameNoConnection = true;
        return context;
    }

    private DbConnection Traced(DbConnection connection)
    {
        var context = DbProxyFactory.CreateConnection(connection, database, scope);
        context.LearnEngine();
        return context.Proxy;
    }
}
