using System.Data.Common;
using Castle.DynamicProxy;

namespace AopSqlTracing.Proxies;

/// <summary>
/// Hands out proxied commands, batches and transactions from one traced connection, and ends the spans of readers
/// still open when the connection closes under them.
/// </summary>
internal sealed class ConnectionInterceptor(ConnectionContext connection) : ITracingInterceptor
{
    public static readonly string[] InterceptedMethods =
    [
        "CreateDbCommand", "CreateDbBatch", "BeginDbTransaction", "BeginDbTransactionAsync",
        nameof(DbConnection.Close), nameof(DbConnection.CloseAsync), "Dispose", nameof(DbConnection.DisposeAsync),
    ];

    public void Intercept(IInvocation invocation)
    {
        switch (invocation.Method.Name)
        {
            case "CreateDbCommand":
                invocation.Proceed();
                invocation.ReturnValue = DbProxyFactory.CreateCommand((DbCommand)invocation.ReturnValue!, connection);
                break;
            case "CreateDbBatch":
                // Providers without batches throw NotSupportedException here, exactly as without tracing.
                invocation.Proceed();
                invocation.ReturnValue = DbProxyFactory.CreateBatch((DbBatch)invocation.ReturnValue!, connection);
                break;
            case "BeginDbTransaction":
                invocation.Proceed();
                invocation.ReturnValue = DbProxyFactory.CreateTransaction((DbTransaction)invocation.ReturnValue!, connection);
                break;
            case "BeginDbTransactionAsync":
                invocation.Proceed();
                SpanCompletion.ReturnMapped<DbTransaction>(invocation, transaction => DbProxyFactory.CreateTransaction(transaction, connection));
                break;
            case nameof(DbConnection.CloseAsync):
                invocation.Proceed();
                invocation.ReturnValue = SpanCompletion.ThenAlways((Task)invocation.ReturnValue!, connection.FinishOpenReaders);
                break;
            case nameof(DbConnection.DisposeAsync):
                invocation.Proceed();
                SpanCompletion.ReturnThenAlways(invocation, connection.FinishOpenReaders);
                break;
            default:
                // Close and Dispose: the provider closes its readers with the connection, so their spans end here.
                try
                {
                    invocation.Proceed();
                }
                finally
                {
                    connection.FinishOpenReaders();
                }

                break;
        }
    }
}
