using System.Data;
using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Internal;
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

    public void Intercept(IInvocation invocation)
    {
        switch (invocation.Method.Name)
        {
            case nameof(DbCommand.ExecuteNonQuery):
            case nameof(DbCommand.ExecuteScalar):
                Execute(invocation);
                break;
            case "ExecuteDbDataReader":
                ExecuteReader(invocation);
                break;
            case nameof(DbCommand.ExecuteNonQueryAsync):
                ExecuteAsync<int>(invocation);
                break;
            case nameof(DbCommand.ExecuteScalarAsync):
                ExecuteAsync<object?>(invocation);
                break;
            case "ExecuteDbDataReaderAsync":
                ExecuteReaderAsync(invocation);
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

    // Runs the call; its span, if traced, is returned still open, or already failed when the call threw.
    private Activity? ProceedTraced(IInvocation invocation)
    {
        var activity = invocation.InvocationTarget is DbCommand command
            ? CommandTracing.Begin(command, connection)
            : CommandTracing.Begin((DbBatch)invocation.InvocationTarget!, connection);
        try
        {
            invocation.Proceed();
        }
        catch (Exception exception)
        {
            SqlSpanFactory.Fail(activity, exception);
            throw;
        }

        return activity;
    }

    private void Execute(IInvocation invocation) => SqlSpanFactory.Stop(ProceedTraced(invocation));

    // A reader's span stays open until the reader closes, so it covers the rows actually read.
    private void ExecuteReader(IInvocation invocation)
    {
        if (ProceedTraced(invocation) is { } activity)
        {
            invocation.ReturnValue = DbProxyFactory.CreateReader((DbDataReader)invocation.ReturnValue!, activity, connection);
        }
    }

    private void ExecuteAsync<T>(IInvocation invocation)
    {
        if (ProceedTraced(invocation) is { } activity)
        {
            invocation.ReturnValue = SpanCompletion.EndWhenDone((Task<T>)invocation.ReturnValue!, activity);
        }
    }

    private void ExecuteReaderAsync(IInvocation invocation)
    {
        if (ProceedTraced(invocation) is { } activity)
        {
            invocation.ReturnValue = WrapReaderAsync((Task<DbDataReader>)invocation.ReturnValue!, activity);
        }
    }

    private async Task<DbDataReader> WrapReaderAsync(Task<DbDataReader> execution, Activity activity)
    {
        DbDataReader reader;
        try
        {
            reader = await execution.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            SqlSpanFactory.Fail(activity, exception);
            throw;
        }

        return DbProxyFactory.CreateReader(reader, activity, connection);
    }
}
