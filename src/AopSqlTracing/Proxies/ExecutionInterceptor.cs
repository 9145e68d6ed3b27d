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
        "set_DbConnection", "set_DbTransaction", "get_DbTransaction",
    ];

    // The transaction proxy the user assigned, handed back by the getter instead of the provider's transaction.
    private DbTransaction? _transaction;

    // A command usually runs the same text again and again: its classification is kept here.
    private StatementInfo? _lastStatement;

    public void Intercept(IInvocation invocation)
    {
        switch (invocation.Method.Name)
        {
            case nameof(DbCommand.ExecuteNonQuery):
            case nameof(DbCommand.ExecuteScalar):
                Proceed(invocation).Complete();
                break;
            case "ExecuteDbDataReader":
                if (Proceed(invocation) is { IsTraced: true } reading)
                {
                    invocation.ReturnValue = new TracedDataReader((DbDataReader)invocation.ReturnValue!, reading, connection);
                }

                break;
            case nameof(DbCommand.ExecuteNonQueryAsync):
                ProceedAsync<int>(invocation);
                break;
            case nameof(DbCommand.ExecuteScalarAsync):
                ProceedAsync<object?>(invocation);
                break;
            case "ExecuteDbDataReaderAsync":
                if (Proceed(invocation) is { IsTraced: true } readingAsync)
                {
                    invocation.ReturnValue = Completion.ContinueInReader((Task<DbDataReader>)invocation.ReturnValue!, readingAsync, connection);
                }

                break;
            case "set_DbConnection":
                invocation.SetArgumentValue(0, Unwrap(invocation.Arguments[0] as DbConnection));
                invocation.Proceed();
                break;
            case "set_DbTransaction":
                _transaction = invocation.Arguments[0] as DbTransaction;
                invocation.SetArgumentValue(0, Unwrap(_transaction));
                invocation.Proceed();
                break;
            case "get_DbTransaction":
                invocation.Proceed();
                if (_transaction is not null && ReferenceEquals(invocation.ReturnValue, ProxyTargets.Unwrap(_transaction)))
                {
                    invocation.ReturnValue = _transaction;
                }

                break;
            default:
                invocation.Proceed();
                break;
        }
    }

    private static T? Unwrap<T>(T? value)
        where T : class
        => value is null ? null : ProxyTargets.Unwrap(value);

    // Asks the gate, runs the call, and hands back the execution still open (or already failed, when the call threw).
    private TracedExecution Proceed(IInvocation invocation)
    {
        var execution = invocation.InvocationTarget is DbCommand command
            ? ExecutionGate.BeginCommand(command, connection, ref _lastStatement)
            : ExecutionGate.BeginBatch((DbBatch)invocation.InvocationTarget!, connection);
        try
        {
            invocation.Proceed();
        }
        catch (Exception exception)
        {
            execution.Fail(exception);
            throw;
        }

        return execution;
    }

    private void ProceedAsync<T>(IInvocation invocation)
    {
        if (Proceed(invocation) is { IsTraced: true } execution)
        {
            invocation.ReturnValue = Completion.EndWhenDone((Task<T>)invocation.ReturnValue!, execution);
        }
    }
}
