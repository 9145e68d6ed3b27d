using System.Data.Common;
using AopSqlTracing.Marks;
using AopSqlTracing.Proxies;
using Autofac;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AopSqlTracing.EntityFrameworkCore.Internal;

/// <summary>
/// Ends a context's unit of work, as the seed's Session does: a transaction's commit or rollback, or <c>SaveChanges</c>
/// outside an explicit transaction, ends the context's mark (and, as for any traced connection, the connection's and
/// the nearest marked scope's). Savepoints are other events and keep it.
/// </summary>
internal sealed class EfUnitOfWorkInterceptor(ILifetimeScope? scope) : IDbTransactionInterceptor, ISaveChangesInterceptor
{
    // The seed's Session: a commit or rollback ends the context's mark (and, as for any traced connection, the
    // connection's and the nearest marked scope's). Savepoints are other events and keep it.
    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => EndMarks(eventData.Context, transaction.Connection);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        EndMarks(eventData.Context, transaction.Connection);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => EndMarks(eventData.Context, transaction.Connection);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        EndMarks(eventData.Context, transaction.Connection);
        return Task.CompletedTask;
    }

    // SaveChanges outside an explicit transaction runs in its own, which ends with it (EF Core may skip a transaction
    // for a single command, but the unit of work is over all the same).
    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        EndImplicitTransaction(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        EndImplicitTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => EndImplicitTransaction(eventData.Context);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        EndImplicitTransaction(eventData.Context);
        return Task.CompletedTask;
    }

    private void EndMarks(DbContext? context, DbConnection? connection)
    {
        if (context is not null)
        {
            MarkTable.Clear(context);
        }

        if (connection is not null)
        {
            TransactionMarks.End(ProxyTargets.Unwrap(connection), scope);
        }
    }

    private void EndImplicitTransaction(DbContext? context)
    {
        if (context is not null && context.Database.CurrentTransaction is null)
        {
            EndMarks(context, context.Database.GetDbConnection());
        }
    }
}
