using System.Data.Common;
using AopSqlTracing.Execution;
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
    /// <summary>Gets or sets the lifetime scope whose marks a commit ends; a later <c>UseSqlTracing</c> on the same builder sets it.</summary>
    public ILifetimeScope? Scope { get; set; } = scope;

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
    // for a single command, but the unit of work is over all the same). With nothing to save no command ran, and
    // no unit of work ended.
    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (result > 0)
        {
            EndImplicitTransaction(eventData.Context);
        }

        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(SavedChanges(eventData, result));

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
            ContextMarks.Clear(context);
        }

        if (connection is not null)
        {
            SqlDoor.EndUnitOfWork(connection is Castle.DynamicProxy.IProxyTargetAccessor proxy && proxy.DynProxyGetTarget() is DbConnection target ? target : connection, SqlDoor.ScopeInUse(Scope));
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
