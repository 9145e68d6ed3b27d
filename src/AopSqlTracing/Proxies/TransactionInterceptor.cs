using System.Data.Common;
using AopSqlTracing.Marks;
using Castle.DynamicProxy;
using AopSqlTracing.Execution;

namespace AopSqlTracing.Proxies;

/// <summary>
/// Ends the marks of the connection and of its nearest marked lifetime scope when its transaction commits or rolls
/// back (also the implicit rollback of a transaction disposed unfinished), as the seed does for connections and sessions. Savepoint calls carry a name and leave the mark alone.
/// </summary>
internal sealed class TransactionInterceptor(ConnectionContext connection) : ITracingInterceptor
{
    public static readonly string[] InterceptedMethods =
    [
        nameof(DbTransaction.Commit), nameof(DbTransaction.Rollback), nameof(DbTransaction.CommitAsync), nameof(DbTransaction.RollbackAsync),
        "get_DbConnection", "Dispose", nameof(DbTransaction.DisposeAsync),
    ];

    private bool _finished;

    public void Intercept(IInvocation invocation)
    {
        if (ProxyTargets.IsExtraInterfaceCall(invocation) && invocation.Method.Name != nameof(ICloneable.Clone))
        {
            ProxyTargets.Proceed(invocation);
            return;
        }

        switch (invocation.Method.Name)
        {
            case "get_DbConnection":
                invocation.Proceed();

                // The user's own traced connection, not the provider's, so commands made from it are traced too.
                if (invocation.ReturnValue is not null)
                {
                    invocation.ReturnValue = connection.Proxy;
                }

                break;
            case nameof(DbTransaction.Commit) or nameof(DbTransaction.Rollback) when IsWholeTransaction(invocation):
                try
                {
                    invocation.Proceed();
                }
                finally
                {
                    Finish();
                }

                break;
            case nameof(DbTransaction.CommitAsync) or nameof(DbTransaction.RollbackAsync) when IsWholeTransaction(invocation):
                invocation.Proceed();
                invocation.ReturnValue = Completion.ThenAlways((Task)invocation.ReturnValue!, Finish);
                break;
            case "Dispose":
                Finish();
                invocation.Proceed();
                break;
            case nameof(DbTransaction.DisposeAsync):
                Finish();
                invocation.Proceed();
                break;
            default:
                invocation.Proceed();
                break;
        }
    }

    // Rollback(string) and RollbackAsync(string, …) roll back to a savepoint, not the transaction.
    private static bool IsWholeTransaction(IInvocation invocation)
        => invocation.Arguments.Length == 0 || invocation.Arguments[0] is not string;

    private void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        TransactionMarks.End(connection.Target, connection.Scope);
    }
}
