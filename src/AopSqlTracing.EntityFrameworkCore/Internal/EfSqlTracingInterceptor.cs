using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using AopSqlTracing.Execution;
using Autofac;
using Castle.DynamicProxy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AopSqlTracing.EntityFrameworkCore.Internal;

/// <summary>
/// A thin adapter of the library's door for Entity Framework Core's command events: <c>…Executing</c> begins the
/// operation (and opens the provider-span window), <c>…Executed</c>, <c>CommandFailed</c> and <c>CommandCanceled</c>
/// end it, a query's reader carries it on. With <see cref="SqlTracingOptions.TraceConnectionOpen"/> and
/// <see cref="SqlTracingOptions.TraceTransactions"/>, opening the connection and each transaction step are operations
/// of the door too, begun on EF Core's <c>…ing</c> event and ended on its <c>…ed</c> or <c>…Failed</c> event. The
/// context's marks are ended by <see cref="EfUnitOfWorkInterceptor"/>.
/// </summary>
/// <remarks>
/// A command EF Core runs on one of our traced connections is already traced by that connection's proxy: it is left
/// to it (one span per command), told which context it runs for, so the context's mark and the policy's
/// <see cref="SqlExecution.Context"/> are the same on both paths.
/// </remarks>
internal sealed partial class EfSqlTracingInterceptor(SqlTracingOptions options, ILifetimeScope? scope)
    : IDbCommandInterceptor
{
    private readonly ConcurrentDictionary<Guid, Running> _running = new();
    private ConditionalWeakTable<DbConnection, TracedConnection> _connections = new();
    private SqlTracingOptions _options = options;
    private ILifetimeScope? _scope = scope;

    /// <summary>Takes the options and scope of a later <c>UseSqlTracing</c> on the same options builder: the last call wins.</summary>
    public void Reconfigure(SqlTracingOptions options, ILifetimeScope? scope)
    {
        _options = options;
        _scope = scope;
        _connections = new();
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        => Begin(command, eventData, result, result.HasResult);

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Begin(command, eventData, result, result.HasResult));

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        => Begin(command, eventData, result, result.HasResult);

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Begin(command, eventData, result, result.HasResult));

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        => Begin(command, eventData, result, result.HasResult);

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Begin(command, eventData, result, result.HasResult));

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
        => End(eventData.CommandId, result);

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(End(eventData.CommandId, result));

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
        => End(eventData.CommandId, result);

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(End(eventData.CommandId, result));

    // A query's reader goes on in the door's forwarding reader: it counts the rows EF Core reads, fails on a failing
    // read, and ends when EF Core closes or disposes it, or when the connection closes under it (an abandoned query).
    // SaveChanges' readers are the provider's own (Npgsql casts them to its type), and end when EF Core closes them.
    public DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
        => ContinueInReader(eventData, result);

    public ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(ContinueInReader(eventData, result));

    public InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        End(eventData.CommandId, 0);
        return result;
    }

    public ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        End(eventData.CommandId, 0);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        End(eventData.CommandId, 0);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Fail(eventData.CommandId, eventData.Exception);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Fail(eventData.CommandId, eventData.Exception);
        return Task.CompletedTask;
    }

    // EF Core hands interceptors no exception on a cancellation: the span records the provider's, kept as it was thrown.
    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Canceled(eventData.CommandId, CancellationToken.None);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Canceled(eventData.CommandId, cancellationToken);
        return Task.CompletedTask;
    }

    // An earlier interceptor that suppressed the command (a cache answering it) means no database call: no operation.
    private T Begin<T>(DbCommand command, CommandEventData eventData, T result, bool suppressed)
    {
        try
        {
            if (suppressed)
            {
                return result;
            }

            ContextMarks.DropIfStale(eventData.Context);
            if (command is IProxyTargetAccessor proxy)
            {
                if (eventData.Context is { } context && proxy.DynProxyGetTarget() is DbCommand target)
                {
                    SqlDoor.RunsFor(target, context);
                }

                return result;
            }

            var connection = ConnectionOf(eventData.Connection);
            var operation = SqlDoor.BeginCommand(command, connection, eventData.Context);
            if (operation.IsActive)
            {
                var entered = SqlDoor.EnterProvider(operation, out var caller);
                _running[eventData.CommandId] = new Running(operation, connection, entered, caller, ProviderFailures.Watch());
            }
        }
        catch (Exception exception)
        {
            SqlDoor.ReportFailure("entity framework command", exception);
        }

        return result;
    }

    // A step on one of our traced connections is the proxy's to trace; a step another interceptor answered took no time.
    private T BeginStep<T>(SqlDoor.ConnectionOperation operation, DbConnection? connection, Guid id, DbContext? context, T result, bool suppressed)
    {
        try
        {
            if (suppressed || connection is null or IProxyTargetAccessor || !SqlDoor.Watches(_options, operation))
            {
                return result;
            }

            var traced = ConnectionOf(connection);
            var step = SqlDoor.BeginConnectionOperation(operation, traced, context);
            if (step.IsActive)
            {
                _running[id] = new Running(step, traced, false, null);
            }
        }
        catch (Exception exception)
        {
            SqlDoor.ReportFailure("entity framework " + operation, exception);
        }

        return result;
    }

    private T End<T>(Guid commandId, T result)
    {
        if (_running.TryRemove(commandId, out var running))
        {
            running.ExitProvider();
            running.Operation.Complete();
        }

        return result;
    }

    private DbDataReader ContinueInReader(CommandExecutedEventData eventData, DbDataReader reader)
    {
        if (!_running.TryRemove(eventData.CommandId, out var running))
        {
            return reader;
        }

        // The provider's call is over; a SaveChanges reader's operation still ends when EF Core closes the reader.
        running.ExitProvider();
        if (reader is null || eventData.CommandSource == CommandSource.SaveChanges)
        {
            _running[eventData.CommandId] = running with { InProvider = false };
            return reader!;
        }

        return SqlDoor.ContinueInReader(reader, running.Operation, running.Connection);
    }

    private void Fail(Guid commandId, Exception exception)
    {
        if (_running.TryRemove(commandId, out var running))
        {
            running.ExitProvider();
            running.Operation.Fail(exception);
        }
    }

    private void Canceled(Guid commandId, CancellationToken cancellationToken)
    {
        if (_running.TryGetValue(commandId, out var running))
        {
            Fail(commandId, running.Thrown?.Value ?? new OperationCanceledException(cancellationToken));
        }
    }

    // A pooled or factory-made context's services are the container's root: its SQL follows the scope marked in the
    // flow it runs in (the next renter's request, for a pooled context's connection).
    private TracedConnection ConnectionOf(DbConnection connection)
    {
        var traced = _connections.GetValue(connection, target => new TracedConnection(_options, target, _scope));
        traced.MoveTo(SqlDoor.ScopeInUse(_scope));
        return traced;
    }

    private TracedConnection? Known(DbConnection connection) => _connections.TryGetValue(connection, out var known) ? known : null;

    // An operation in flight, the connection it runs on, whether (from which caller's current activity) the
    // provider-span window is open for it, and the last exception thrown in a command's flow.
    private readonly record struct Running(
        SqlOperation Operation, TracedConnection Connection, bool InProvider, System.Diagnostics.Activity? Caller, StrongBox<Exception?>? Thrown = null)
    {
        public void ExitProvider()
        {
            if (InProvider)
            {
                SqlDoor.ExitProvider(Caller);
            }
        }
    }
}
