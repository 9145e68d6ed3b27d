using System.Data.Common;
using AopSqlTracing.Execution;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AopSqlTracing.EntityFrameworkCore.Internal;

/// <summary>
/// EF Core's connection events: opening is an operation of the door under
/// <see cref="SqlTracingOptions.TraceConnectionOpen"/>; an open, a close or a disposal changes what spans say of the
/// connection, and a close ends the spans of the readers still open on it.
/// </summary>
internal sealed partial class EfSqlTracingInterceptor : IDbConnectionInterceptor
{
    public InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
        => BeginStep(SqlDoor.ConnectionOperation.Open, connection, eventData.ConnectionId, eventData.Context, result, result.IsSuppressed);

    public ValueTask<InterceptionResult> ConnectionOpeningAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(BeginStep(SqlDoor.ConnectionOperation.Open, connection, eventData.ConnectionId, eventData.Context, result, result.IsSuppressed));

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        Known(connection)?.FactsChanged();
        End(eventData.ConnectionId, 0);
    }

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ConnectionOpened(connection, eventData);
        return Task.CompletedTask;
    }

    public void ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData) => Fail(eventData.ConnectionId, eventData.Exception);

    public Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Fail(eventData.ConnectionId, eventData.Exception);
        return Task.CompletedTask;
    }

    // As on a traced connection: the provider closes its readers with the connection, so their spans end here.
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Closed(connection);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Closed(connection);
        return Task.CompletedTask;
    }

    public void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => Closed(connection);

    public Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Closed(connection);
        return Task.CompletedTask;
    }

    private void Closed(DbConnection connection)
    {
        if (Known(connection) is { } known)
        {
            known.FactsChanged();
            known.FinishOpenReaders();
        }
    }
}
