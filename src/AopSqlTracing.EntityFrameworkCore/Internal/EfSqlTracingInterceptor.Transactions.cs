using System.Data.Common;
using AopSqlTracing.Execution;
using Castle.DynamicProxy;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AopSqlTracing.EntityFrameworkCore.Internal;

/// <summary>
/// EF Core's transaction events under <see cref="SqlTracingOptions.TraceTransactions"/>: each step (begin, commit,
/// rollback, savepoints) an operation of the door, begun on its <c>…ing</c> event, ended on its <c>…ed</c> or
/// <c>TransactionFailed</c> event.
/// </summary>
internal sealed partial class EfSqlTracingInterceptor : IDbTransactionInterceptor
{
    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
        => BeginStep(SqlDoor.ConnectionOperation.Begin, connection, eventData.TransactionId, eventData.Context, result, result.HasResult);

    public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(BeginStep(SqlDoor.ConnectionOperation.Begin, connection, eventData.TransactionId, eventData.Context, result, result.HasResult));

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
        => End(eventData.TransactionId, result);

    public ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(End(eventData.TransactionId, result));

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
        => BeginStep(SqlDoor.ConnectionOperation.Commit, transaction, eventData, result);

    public ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(BeginStep(SqlDoor.ConnectionOperation.Commit, transaction, eventData, result));

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => End(eventData.TransactionId, 0);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        => Ended(eventData.TransactionId);

    public InterceptionResult TransactionRollingBack(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
        => BeginStep(SqlDoor.ConnectionOperation.Rollback, transaction, eventData, result);

    public ValueTask<InterceptionResult> TransactionRollingBackAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(BeginStep(SqlDoor.ConnectionOperation.Rollback, transaction, eventData, result));

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => End(eventData.TransactionId, 0);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        => Ended(eventData.TransactionId);

    public InterceptionResult CreatingSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
        => BeginStep(SqlDoor.ConnectionOperation.Savepoint, transaction, eventData, result);

    public ValueTask<InterceptionResult> CreatingSavepointAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(BeginStep(SqlDoor.ConnectionOperation.Savepoint, transaction, eventData, result));

    public void CreatedSavepoint(DbTransaction transaction, TransactionEventData eventData) => End(eventData.TransactionId, 0);

    public Task CreatedSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
        => Ended(eventData.TransactionId);

    public InterceptionResult RollingBackToSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
        => BeginStep(SqlDoor.ConnectionOperation.RollbackToSavepoint, transaction, eventData, result);

    public ValueTask<InterceptionResult> RollingBackToSavepointAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(BeginStep(SqlDoor.ConnectionOperation.RollbackToSavepoint, transaction, eventData, result));

    public void RolledBackToSavepoint(DbTransaction transaction, TransactionEventData eventData) => End(eventData.TransactionId, 0);

    public Task RolledBackToSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
        => Ended(eventData.TransactionId);

    public InterceptionResult ReleasingSavepoint(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
        => BeginStep(SqlDoor.ConnectionOperation.ReleaseSavepoint, transaction, eventData, result);

    public ValueTask<InterceptionResult> ReleasingSavepointAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(BeginStep(SqlDoor.ConnectionOperation.ReleaseSavepoint, transaction, eventData, result));

    public void ReleasedSavepoint(DbTransaction transaction, TransactionEventData eventData) => End(eventData.TransactionId, 0);

    public Task ReleasedSavepointAsync(DbTransaction transaction, TransactionEventData eventData, CancellationToken cancellationToken = default)
        => Ended(eventData.TransactionId);

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Fail(eventData.TransactionId, eventData.Exception);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Fail(eventData.TransactionId, eventData.Exception);
        return Task.CompletedTask;
    }

    private T BeginStep<T>(SqlDoor.ConnectionOperation operation, DbTransaction transaction, TransactionEventData eventData, T result)
        => BeginStep(operation, transaction.Connection, eventData.TransactionId, eventData.Context, result, suppressed: transaction is IProxyTargetAccessor);

    private Task Ended(Guid id)
    {
        End(id, 0);
        return Task.CompletedTask;
    }
}
