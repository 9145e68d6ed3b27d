using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Execution;
using Autofac;
using System.Data;
using Castle.DynamicProxy;

namespace AopSqlTracing.Proxies;

/// <summary>
/// Hands out proxied commands, batches and transactions from one traced connection, and ends the spans of readers
/// still open when the connection closes under them.
/// </summary>
internal sealed class ConnectionInterceptor(TracedDatabase database, DbConnection target, ILifetimeScope? scope)
    : ConnectionContext(database, target, scope), ITracingInterceptor
{
    public static readonly string[] InterceptedMethods =
    [
        "CreateDbCommand", "CreateDbBatch", "BeginDbTransaction", "BeginDbTransactionAsync",
        nameof(DbConnection.Close), nameof(DbConnection.CloseAsync), "Dispose", nameof(DbConnection.DisposeAsync),
        nameof(DbConnection.Open), nameof(DbConnection.OpenAsync), nameof(DbConnection.ChangeDatabase), nameof(DbConnection.ChangeDatabaseAsync),
        "add_StateChange", "remove_StateChange", nameof(ICloneable.Clone),
    ];

    public void Intercept(IInvocation invocation)
    {
        if (ProxyTargets.IsExtraInterfaceCall(invocation) && invocation.Method.Name != nameof(ICloneable.Clone))
        {
            ProxyTargets.Proceed(invocation);
            return;
        }

        switch (invocation.Method.Name)
        {
            case "CreateDbCommand":
                invocation.Proceed();
                invocation.ReturnValue = DbProxyFactory.CreateCommand((DbCommand)invocation.ReturnValue!, this);
                break;
            case "CreateDbBatch":
                // Providers without batches throw NotSupportedException here, exactly as without tracing.
                invocation.Proceed();
                invocation.ReturnValue = DbProxyFactory.CreateBatch((DbBatch)invocation.ReturnValue!, this);
                break;
            case "BeginDbTransaction":
                Completion.ProceedAndEnd(invocation, SqlDoor.BeginConnectionOperation(SqlDoor.ConnectionOperation.Begin, this));
                invocation.ReturnValue = TraceTransaction((DbTransaction)invocation.ReturnValue!);
                break;
            case "BeginDbTransactionAsync":
                Completion.ProceedAndEnd(invocation, SqlDoor.BeginConnectionOperation(SqlDoor.ConnectionOperation.Begin, this));
                Completion.ReturnMapped<DbTransaction>(invocation, TraceTransaction);
                break;
            case "add_StateChange":
                invocation.SetArgumentValue(0, SubscribeStateChange((StateChangeEventHandler?)invocation.Arguments[0]));
                invocation.Proceed();
                break;
            case "remove_StateChange":
                invocation.SetArgumentValue(0, UnsubscribeStateChange((StateChangeEventHandler?)invocation.Arguments[0]));
                invocation.Proceed();
                break;
            case nameof(ICloneable.Clone):
                // A clone is a connection of the same traced database, resolved in the same scope.
                ProxyTargets.Proceed(invocation);
                invocation.ReturnValue = DbProxyFactory.CreateConnection((DbConnection)invocation.ReturnValue!, Database, Scope).Proxy;
                break;
            case nameof(DbConnection.Open) or nameof(DbConnection.OpenAsync) or nameof(DbConnection.ChangeDatabase) or nameof(DbConnection.ChangeDatabaseAsync):
                FactsChanged();
                if (invocation.Method.Name is nameof(DbConnection.Open) or nameof(DbConnection.OpenAsync))
                {
                    Completion.ProceedAndEnd(invocation, SqlDoor.BeginConnectionOperation(SqlDoor.ConnectionOperation.Open, this));
                }
                else
                {
                    invocation.Proceed();
                }

                if (invocation.Method.Name is nameof(DbConnection.Open) or nameof(DbConnection.OpenAsync) && TellsEngineOnceOpen)
                {
                    if (invocation.ReturnValue is Task opening)
                    {
                        invocation.ReturnValue = Completion.ThenAlways(opening, LearnEngine);
                    }
                    else
                    {
                        LearnEngine();
                    }
                }

                break;
            case nameof(DbConnection.CloseAsync):
                invocation.Proceed();
                invocation.ReturnValue = Completion.ThenAlways((Task)invocation.ReturnValue!, FinishOpenReaders);
                break;
            case nameof(DbConnection.DisposeAsync):
                IsDisposed = true;
                invocation.Proceed();
                Completion.ReturnThenAlways(invocation, () =>
                {
                    FinishOpenReaders();
                    ProxyEvents.RaiseDisposed(Proxy);
                });
                break;
            default:
                // Close and Dispose: the provider closes its readers with the connection, so their spans end here (and
                // its own spans of their commands, which must not leave ours current).
                FactsChanged();
                var disposing = invocation.Method.Name == "Dispose" && invocation.Arguments is [true];
                IsDisposed |= disposing;
                var current = Activity.Current;
                try
                {
                    invocation.Proceed();
                }
                finally
                {
                    SpanLifecycle.RestoreCurrent(current);
                    FinishOpenReaders();
                }

                if (disposing)
                {
                    ProxyEvents.RaiseDisposed(Proxy);
                }

                break;
        }
    }
}
