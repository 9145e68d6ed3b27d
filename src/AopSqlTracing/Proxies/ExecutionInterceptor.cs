using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using AopSqlTracing.Execution;
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

    // A command's executing methods, told apart by reference before anything else: reflection hands out one MethodInfo
    // per method and Castle's invocation carries that one, so this costs less per call than reading and switching on
    // the name. A batch's methods (and any method this does not know) go through the switch by name.
    private static readonly MethodInfo ExecuteNonQuery = CommandMethod(nameof(DbCommand.ExecuteNonQuery));
    private static readonly MethodInfo ExecuteScalar = CommandMethod(nameof(DbCommand.ExecuteScalar));
    private static readonly MethodInfo ExecuteReader = CommandMethod("ExecuteDbDataReader", typeof(CommandBehavior));
    private static readonly MethodInfo ExecuteNonQueryAsync = CommandMethod(nameof(DbCommand.ExecuteNonQueryAsync), typeof(CancellationToken));
    private static readonly MethodInfo ExecuteScalarAsync = CommandMethod(nameof(DbCommand.ExecuteScalarAsync), typeof(CancellationToken));
    private static readonly MethodInfo ExecuteReaderAsync = CommandMethod("ExecuteDbDataReaderAsync", typeof(CommandBehavior), typeof(CancellationToken));

    // The traced connection the command runs on: it changes when the command is moved to another traced
    // connection, and is null on a connection we don't trace (the command then runs untraced).
    private ConnectionContext? _connection = connection;

    // The transaction proxy the user assigned, handed back by the getter instead of the provider's transaction.
    private DbTransaction? _transaction;

    // A command usually runs the same text again and again: its classification and description are kept here.
    private CommandMemory _memory;

    public void Intercept(IInvocation invocation)
    {
        var method = invocation.Method;
        if (ReferenceEquals(method, ExecuteScalar) || ReferenceEquals(method, ExecuteNonQuery))
        {
            Execute(invocation, Run.Sync);
            return;
        }

        if (ReferenceEquals(method, ExecuteReader) || ReferenceEquals(method, ExecuteReaderAsync)
            || ReferenceEquals(method, ExecuteNonQueryAsync) || ReferenceEquals(method, ExecuteScalarAsync))
        {
            Execute(invocation, ReferenceEquals(method, ExecuteReader) ? Run.Reader
                : ReferenceEquals(method, ExecuteReaderAsync) ? Run.ReaderAsync
                : ReferenceEquals(method, ExecuteNonQueryAsync) ? Run.NonQueryAsync
                : Run.ScalarAsync);
            return;
        }

        if (ProxyTargets.IsExtraInterfaceCall(invocation) && invocation.Method.Name != nameof(ICloneable.Clone))
        {
            ProxyTargets.Proceed(invocation);
            return;
        }

        switch (invocation.Method.Name)
        {
            case nameof(DbCommand.ExecuteNonQuery):
            case nameof(DbCommand.ExecuteScalar):
                Execute(invocation, Run.Sync);
                break;
            case "ExecuteDbDataReader":
                Execute(invocation, Run.Reader);
                break;
            case nameof(DbCommand.ExecuteNonQueryAsync):
                Execute(invocation, Run.NonQueryAsync);
                break;
            case nameof(DbCommand.ExecuteScalarAsync):
                Execute(invocation, Run.ScalarAsync);
                break;
            case "ExecuteDbDataReaderAsync":
                Execute(invocation, Run.ReaderAsync);
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

    private static MethodInfo CommandMethod(string name, params Type[] parameters)
        => typeof(DbCommand).GetMethod(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, parameters)
            ?? throw new MissingMethodException(nameof(DbCommand), name);

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

    // A command the door would not begin runs straight away, with nothing made or copied for it.
    private void Execute(IInvocation invocation, Run run)
    {
        if (_connection is { } connection && SqlDoor.MayBeginSql(connection))
        {
            ExecuteThroughDoor(invocation, connection, run);
        }
        else
        {
            invocation.Proceed();
        }
    }

    // Goes through the door: begins with the span current for the provider's call, as a span is for the code it
    // times (the provider's own spans are its children), runs the call, and ends the operation (stopping the span
    // puts the caller's current activity back) or hands it on to the reader or task that ends it, the caller's
    // current activity put back first. Not inlined: its locals (the operation, the door's marks and description)
    // would otherwise sit in the frame of every intercepted call, which the JIT zeroes whole on entry whichever path runs.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ExecuteThroughDoor(IInvocation invocation, ConnectionContext connection, Run run)
    {
        // Read only where a span may start: a measured-only command has no current activity to put back.
        var caller = SqlDoor.MayStartSpans ? Activity.Current : null;
        var operation = invocation.InvocationTarget is DbCommand command ? SqlDoor.BeginCall(command, connection, ref _memory)
            : SqlDoor.BeginCall((DbBatch)invocation.InvocationTarget!, connection);
        try
        {
            invocation.Proceed();
        }
        catch (Exception exception)
        {
            operation.EndInCall(exception, caller);
            throw;
        }

        if (run == Run.Sync)
        {
            operation.EndInCall(failure: null, caller);
            return;
        }

        if (operation.IsTraced)
        {
            SqlDoor.ExitProvider(caller);
        }

        if (operation.IsActive)
        {
            HandOn(invocation, operation, connection, run);
        }
    }

    // A reader or a task ends the operation later: it is handed on to it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void HandOn(IInvocation invocation, in SqlOperation operation, ConnectionContext connection, Run run)
    {
        invocation.ReturnValue = run switch
        {
            Run.Reader => new TracedDataReader((DbDataReader)invocation.ReturnValue!, operation, connection),
            Run.ReaderAsync => Completion.ContinueInReader((Task<DbDataReader>)invocation.ReturnValue!, operation, connection),
            Run.NonQueryAsync => Completion.EndWhenDone((Task<int>)invocation.ReturnValue!, operation),
            _ => Completion.EndWhenDone((Task<object?>)invocation.ReturnValue!, operation),
        };
    }

    // Which of the executing methods runs: what is done with the operation once the provider's call returns.
    private enum Run
    {
        Sync,
        Reader,
        ReaderAsync,
        NonQueryAsync,
        ScalarAsync,
    }
}
