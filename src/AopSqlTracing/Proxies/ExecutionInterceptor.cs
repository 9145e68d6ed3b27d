using System.Data;
using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Internal;
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

    private SqlTracingOptions Options => connection.Database.Options;

    // Runs the call; its span, if traced, is returned still open, or already failed when the call threw.
    // With PropagateContext the command's text carries the span's context while it runs; `sentText` is what to restore.
    private Activity? ProceedTraced(IInvocation invocation, out string? sentText)
    {
        var target = invocation.InvocationTarget;
        var command = target as DbCommand;
        var activity = command is not null
            ? CommandTracing.Begin(command, connection, ref _lastStatement)
            : CommandTracing.Begin((DbBatch)target!, connection);
        sentText = activity is not null && command is not null && Options.PropagateContext ? AddTraceComment(command, activity) : null;
        try
        {
            invocation.Proceed();
        }
        catch (Exception exception)
        {
            RestoreText(command, sentText);
            SqlSpanFactory.Fail(activity, exception, Options);
            throw;
        }

        return activity;
    }

    private void Execute(IInvocation invocation)
    {
        var activity = ProceedTraced(invocation, out var original);
        RestoreText(invocation.InvocationTarget as DbCommand, original);
        SqlSpanFactory.Stop(activity);
    }

    // A reader's span stays open until the reader closes, so it covers the rows actually read. Providers refuse
    // a new command text while the reader is open, so a sqlcommenter comment is taken off when it closes.
    private void ExecuteReader(IInvocation invocation)
    {
        if (ProceedTraced(invocation, out var original) is { } activity)
        {
            var restore = original is null ? null : RestoreLater(invocation, original);
            invocation.ReturnValue = DbProxyFactory.CreateReader((DbDataReader)invocation.ReturnValue!, activity, connection, restore);
        }
    }

    private void ExecuteAsync<T>(IInvocation invocation)
    {
        if (ProceedTraced(invocation, out var original) is { } activity)
        {
            var restore = original is null ? null : RestoreLater(invocation, original);
            invocation.ReturnValue = SpanCompletion.EndWhenDone((Task<T>)invocation.ReturnValue!, activity, Options, restore);
        }
    }

    private void ExecuteReaderAsync(IInvocation invocation)
    {
        if (ProceedTraced(invocation, out var original) is { } activity)
        {
            var restore = original is null ? null : RestoreLater(invocation, original);
            invocation.ReturnValue = WrapReaderAsync((Task<DbDataReader>)invocation.ReturnValue!, activity, restore);
        }
    }

    private static string? AddTraceComment(DbCommand command, Activity activity)
    {
        try
        {
            var text = command.CommandText;
            if (SqlCommenter.TryComment(text, activity, out var commented))
            {
                command.CommandText = commented;
                return text;
            }
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("sqlcommenter", exception);
        }

        return null;
    }

    // The user's command is left as the user set it once the statement has run.
    private static void RestoreText(DbCommand? command, string? original)
    {
        if (command is null || original is null)
        {
            return;
        }

        try
        {
            command.CommandText = original;
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("sqlcommenter restore", exception);
        }
    }

    private static Action RestoreLater(IInvocation invocation, string original)
    {
        var command = invocation.InvocationTarget as DbCommand;
        return () => RestoreText(command, original);
    }

    private async Task<DbDataReader> WrapReaderAsync(Task<DbDataReader> execution, Activity activity, Action? whenClosed)
    {
        DbDataReader reader;
        try
        {
            reader = await execution.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            whenClosed?.Invoke();
            SqlSpanFactory.Fail(activity, exception, Options);
            throw;
        }

        return DbProxyFactory.CreateReader(reader, activity, connection, whenClosed);
    }
}
