using System.Data.Common;
using AopSqlTracing.Execution;
using AopSqlTracing.Statements;
using Castle.DynamicProxy;

namespace AopSqlTracing.Proxies;

/// <summary>
/// Traces the executions of one proxied command or batch (they share their method names), and unwraps our
/// proxies on their way into the provider. The <c>Connection</c> getter is not intercepted: it reports the
/// provider's connection, so clients that pick behaviour from the connection's type (Dapper's PostgreSQL
/// arrays) behave as they do without tracing.
/// </summary>
internal sealed class ExecutionInterceptor(ConnectionContext connection) : ITracingInterceptor
{
    public static readonly string[] InterceptedMethods =
    [
        nameof(DbCommand.ExecuteNonQuery), nameof(DbCommand.ExecuteScalar), "ExecuteDbDataReader",
        nameof(DbCommand.ExecuteNonQueryAsync), nameof(DbCommand.ExecuteScalarAsync), "ExecuteDbDataReaderAsync",
        "set_DbConnection", "set_DbTransaction", "get_DbTransaction", nameof(ICloneable.Clone), "Dispose", nameof(DbCommand.DisposeAsync),
    ];

    // The traced connection the command runs on: it changes when the command is moved to another traced
    // connection, and is null on a connection we don't trace (the command then runs untraced).
    private ConnectionContext? _connection = connection;

    // The transaction proxy the user assigned, handed back by the getter instead of the provider's transaction.
    private DbTransaction? _transaction;

    // A command usually runs the same text again and again: its classification is kept here.
    private StatementInfo? _lastStatement;

    public void Intercept(IInvocation invocation)
    {
        if (ProxyTargets.IsExtraInterfaceCall(invocation) && invocation.Method.Name != nameof(ICloneable.Clone))
        {
            ProxyTargets.Proceed(invocation);
            return;
        }

        switch (invocation.Method.Name)
        {
            case nameof(DbCommand.ExecuteNonQuery):
            case nameof(DbCommand.ExecuteScalar):
                Proceed(invocation).Complete();
                break;
            case "ExecuteDbDataReader":
                if (Proceed(invocation) is { IsActive: true } reading)
                {
                    invocation.ReturnValue = new TracedDataReader((DbDataReader)invocation.ReturnValue!, reading, _connection!);
                }

                break;
            case nameof(DbCommand.ExecuteNonQueryAsync):
                ProceedAsync<int>(invocation);
                break;
            case nameof(DbCommand.ExecuteScalarAsync):
                ProceedAsync<object?>(invocation);
                break;
            case "ExecuteDbDataReaderAsync":
                if (Proceed(invocation) is { IsActive: true } readingAsync)
                {
                    invocation.ReturnValue = Completion.ContinueInReader((Task<DbDataReader>)invocation.ReturnValue!, readingAsync, _connection!);
                }

                break;
            case "set_DbConnection":
                var assigned = invocation.Arguments[0] as DbConnection;
                if (assigned is not null)
                {
                    _connection = ConnectionContext.Of(assigned);
                }

                invocation.SetArgumentValue(0, Unwrap(assigned));
                invocation.Proceed();
                break;
            case "set_DbTransaction":
                _transaction = invocation.Arguments[0] as DbTransaction;
                invocation.SetArgumentValue(0, Unwrap(_transaction));
                invocation.Proceed();
                break;
            case "get_DbTransaction":
                invocation.Proceed();
                invocation.ReturnValue = TracedTransaction(invocation.ReturnValue as DbTransaction) ?? invocation.ReturnValue;
                break;
            case nameof(ICloneable.Clone):
                // A clone runs on the same traced connection.
                ProxyTargets.Proceed(invocation);
                invocation.ReturnValue = _connection is null || invocation.ReturnValue is not DbCommand clone
                    ? invocation.ReturnValue
                    : DbProxyFactory.CreateCommand(clone, _connection);
                break;
            case "Dispose":
                invocation.Proceed();
                if (invocation.Arguments is [true])
                {
                    ProxyEvents.RaiseDisposed(invocation.Proxy);
                }

                break;
            case nameof(DbCommand.DisposeAsync):
                invocation.Proceed();
                RaiseDisposedAfter(invocation);
                break;
            default:
                invocation.Proceed();
                break;
        }
    }

    // Its own method: a lambda capturing a local of the switch would allocate its closure on every intercepted call.
    private static void RaiseDisposedAfter(IInvocation invocation)
    {
        var proxy = invocation.Proxy;
        Completion.ReturnThenAlways(invocation, () => ProxyEvents.RaiseDisposed(proxy));
    }

    private static T? Unwrap<T>(T? value)
        where T : class
        => value is null ? null : ProxyTargets.Unwrap(value);

    // The traced proxy of the provider's transaction: the one the user assigned, or the connection's latest (a
    // provider that assigns its current transaction to new commands hands out its own).
    private DbTransaction? TracedTransaction(DbTransaction? provider)
    {
        if (provider is null)
        {
            return null;
        }

        if (_transaction is not null && ReferenceEquals(provider, ProxyTargets.Unwrap(_transaction)))
        {
            return _transaction;
        }

        return _connection?.LastTransaction is { } latest && ReferenceEquals(provider, ProxyTargets.Unwrap(latest)) ? latest : null;
    }

    // Goes through the door: begins, runs the provider's call in the provider-span window, and hands back the
    // operation still open (or already failed, when the call threw).
    private SqlOperation Proceed(IInvocation invocation)
    {
        var connection = _connection;
        if (connection is null)
        {
            invocation.Proceed();
            return default;
        }

        var operation = invocation.InvocationTarget is DbCommand command ? SqlDoor.BeginCommand(command, connection, ref _lastStatement)
            : SqlDoor.BeginBatch((DbBatch)invocation.InvocationTarget!, connection);
        try
        {
            if (!SqlDoor.EnterProvider(operation, connection, out var caller))
            {
                invocation.Proceed();
                return operation;
            }

            try
            {
                invocation.Proceed();
            }
            finally
            {
                SqlDoor.ExitProvider(caller);
            }
        }
        catch (Exception exception)
        {
            operation.Fail(exception);
            throw;
        }

        return operation;
    }

    private void ProceedAsync<T>(IInvocation invocation)
    {
        if (Proceed(invocation) is { IsActive: true } execution)
        {
            invocation.ReturnValue = Completion.EndWhenDone((Task<T>)invocation.ReturnValue!, execution);
        }
    }
}
