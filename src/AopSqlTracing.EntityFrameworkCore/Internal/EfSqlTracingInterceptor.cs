using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using AopSqlTracing.Execution;
using AopSqlTracing.Internal;
using AopSqlTracing.Marks;
using AopSqlTracing.Proxies;
using AopSqlTracing.Statements;
using Autofac;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AopSqlTracing.EntityFrameworkCore.Internal;

/// <summary>
/// Sends every command Entity Framework Core runs through the library's one execution path (the gate, the span
/// factory, the metrics), with the context's marks (ended by <see cref="EfUnitOfWorkInterceptor"/>).
/// </summary>
/// <remarks>
/// A command EF Core runs on one of our traced connections is already traced by that connection's proxy: it is left
/// to it (one span per command), with the context's mark handed to the command so the context still parents it.
/// </remarks>
internal sealed class EfSqlTracingInterceptor(TracedDatabase database, ILifetimeScope? scope)
    : IDbCommandInterceptor, IDbConnectionInterceptor
{
    private readonly ConcurrentDictionary<Guid, Running> _running = new();
    private readonly ConditionalWeakTable<DbConnection, EfConnection> _connections = new();

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        => Begin(command, eventData, result);

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Begin(command, eventData, result));

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        => Begin(command, eventData, result);

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Begin(command, eventData, result));

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        => Begin(command, eventData, result);

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Begin(command, eventData, result));

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
        => End(eventData.CommandId, result);

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(End(eventData.CommandId, result));

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
        => End(eventData.CommandId, result);

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(End(eventData.CommandId, result));

    // A query's reader goes on in the traced connection's own forwarding reader: it counts the rows EF Core reads,
    // fails on a failing read, and ends when EF Core closes or disposes it (or the connection closes under it).
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

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Fail(eventData.CommandId, new OperationCanceledException());

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Fail(eventData.CommandId, new OperationCanceledException(cancellationToken));
        return Task.CompletedTask;
    }

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Known(connection)?.FactsChanged();

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Known(connection)?.FactsChanged();
        return Task.CompletedTask;
    }

    private T Begin<T>(DbCommand command, CommandEventData eventData, T result)
    {
        try
        {
            if (ProxyTargets.IsOurs(command))
            {
                HandContextMarkTo(command, eventData.Context);
                return result;
            }

            StatementInfo? last = null;
            var connection = ConnectionOf(eventData.Connection);
            var execution = ExecutionGate.BeginCommand(command, connection, ref last, eventData.Context);
            if (!execution.IsActive)
            {
                return result;
            }

            // As for a traced connection: while the provider's own spans are listened to, ours is current for the
            // provider's call (from here to the Executed or Failed event), so the provider's span is its child.
            Activity? caller = null;
            var switched = execution.Activity is { } span && ProviderSources.IsListened(connection.Facts.SystemName)
                && SpanLifecycle.EnterProviderCall(span, out caller);
            _running[eventData.CommandId] = new Running(execution, switched, caller);
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("entity framework command", exception);
        }

        return result;
    }

    private T End<T>(Guid commandId, T result)
    {
        if (_running.TryRemove(commandId, out var running))
        {
            running.ExitProviderCall();
            running.Execution.Complete();
        }

        return result;
    }

    private DbDataReader ContinueInReader(CommandExecutedEventData eventData, DbDataReader reader)
    {
        if (_running.TryGetValue(eventData.CommandId, out var running))
        {
            // The provider's call is over; a SaveChanges reader's span still ends when EF Core closes the reader.
            running.ExitProviderCall();
            _running[eventData.CommandId] = running with { Switched = false };
        }

        return reader is not null && eventData.CommandSource != CommandSource.SaveChanges && _running.TryRemove(eventData.CommandId, out running)
            ? new TracedDataReader(reader, running.Execution, ConnectionOf(eventData.Connection))
            : reader!;
    }

    private void Fail(Guid commandId, Exception exception)
    {
        if (_running.TryRemove(commandId, out var running))
        {
            running.ExitProviderCall();
            running.Execution.Fail(exception);
        }
    }

    // An execution in flight, and whether (and from which caller's current activity) our span was made current.
    private readonly record struct Running(TracedExecution Execution, bool Switched, Activity? Caller)
    {
        public void ExitProviderCall()
        {
            if (Switched)
            {
                SpanLifecycle.ExitProviderCall(Caller);
            }
        }
    }

    private EfConnection ConnectionOf(DbConnection connection)
        => _connections.GetValue(connection, target => new EfConnection(database, target, scope));

    private EfConnection? Known(DbConnection connection) => _connections.TryGetValue(connection, out var known) ? known : null;

    private static void HandContextMarkTo(DbCommand command, DbContext? context)
    {
        if (context is not null && MarkTable.Get(context) is { } mark && MarkTable.Get(ProxyTargets.Unwrap(command)) is null)
        {
            MarkTable.Set(ProxyTargets.Unwrap(command), mark);
        }
    }
}
