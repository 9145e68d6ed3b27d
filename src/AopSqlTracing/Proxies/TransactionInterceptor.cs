using System.Data.Common;
using AopSqlTracing.Marks;
using Castle.DynamicProxy;
using AopSqlTracing.Execution;

namespace AopSqlTracing.Proxies;

/// <summary>
/// Ends the marks of the connection and of its nearest marked lifetime scope when its transaction commits or rolls
/// back (also the implicit rollback of a transaction disposed unfinished), as the seed does for connections and sessions. Savepoint calls carry a name and leave the mark alone.
/// With <see cref="SqlTracingOptions.TraceTransactions"/> on, each commit, rollback and savepoint call is an operation
/// of the door, ended before the marks are (the implicit rollback of a disposed transaction is not: whether the
/// provider sends anything is its own business).
/// </summary>
internal sealed class TransactionInterceptor(ConnectionContext connection) : ITracingInterceptor
{
    public static readonly string[] InterceptedMethods =
    [
        nameof(DbTransaction.Commit), nameof(DbTransaction.Rollback), nameof(DbTransaction.CommitAsync), nameof(DbTransaction.RollbackAsync),
        "get_DbConnection", "Dispose", nameof(DbTransaction.DisposeAsync),
        nameof(DbTransaction.Save), nameof(DbTransaction.SaveAsync), nameof(DbTransaction.Release), nameof(DbTransaction.ReleaseAsync),
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
                    Completion.ProceedAndEnd(invocation, Begin(invocation));
                }
                finally
                {
                    Finish();
                }

                break;
            case nameof(DbTransaction.CommitAsync) or nameof(DbTransaction.RollbackAsync) when IsWholeTransaction(invocation):
                Completion.ProceedAndEnd(invocation, Begin(invocation));
                invocation.ReturnValue = Completion.ThenAlways((Task)invocation.ReturnValue!, Finish);
                break;
            case nameof(DbTransaction.Rollback) or nameof(DbTransaction.RollbackAsync) or nameof(DbTransaction.Save) or nameof(DbTransaction.SaveAsync)
                or nameof(DbTransaction.Release) or nameof(DbTransaction.ReleaseAsync):
                Completion.ProceedAndEnd(invocation, Begin(invocation));
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

    private SqlOperation Begin(IInvocation invocation) => SqlDoor.BeginConnectionOperation(
        invocation.Method.Name switch
        {
            nameof(DbTransaction.Commit) or nameof(DbTransaction.CommitAsync) => SqlDoor.ConnectionOperation.Commit,
            nameof(DbTransaction.Save) or nameof(DbTransaction.SaveAsync) => SqlDoor.ConnectionOperation.Savepoint,
            nameof(DbTransaction.Release) or nameof(DbTransaction.ReleaseAsync) => SqlDoor.ConnectionOperation.ReleaseSavepoint,
            _ => IsWholeTransaction(invocation) ? SqlDoor.ConnectionOperation.Rollback : SqlDoor.ConnectionOperation.RollbackToSavepoint,
        },
        connection);

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
