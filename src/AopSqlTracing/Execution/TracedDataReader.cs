using System.Collections;
using System.Collections.ObjectModel;
using System.Data;
using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Execution;

namespace AopSqlTracing.Execution;

/// <summary>
/// The reader a traced command hands out: it forwards every member to the provider's reader, counts rows, and ends
/// the command's span once (on close, dispose, a failing read, or when the connection closes under a reader the
/// application dropped). Closing it leaves <see cref="Activity.Current"/> as it was, whatever the provider's own
/// span of the command does when it stops.
/// </summary>
/// <remarks>
/// The one wrapper that is not a Castle proxy: counting rows means being on the per-row path, where a Castle
/// invocation would allocate on every <c>Read</c> and make the cost grow with the rows. A plain override costs
/// one virtual call per member and nothing per row.
/// </remarks>
internal sealed partial class TracedDataReader : DbDataReader, IDbColumnSchemaGenerator, IProviderObject
{
    private readonly DbDataReader _inner;
    private readonly TracedConnection _connection;
    private readonly SqlOperation _execution;
    private int _ended;
    private long _rows;

    public TracedDataReader(DbDataReader inner, SqlOperation execution, TracedConnection connection)
    {
        _inner = inner;
        _execution = execution;
        _connection = connection;
        connection.ReaderOpened(this);
    }

    public object Target => _inner;

    public override int Depth => _inner.Depth;

    public override int FieldCount => _inner.FieldCount;

    public override bool HasRows => _inner.HasRows;

    public override bool IsClosed => _inner.IsClosed;

    public override int RecordsAffected => _inner.RecordsAffected;

    public override int VisibleFieldCount => _inner.VisibleFieldCount;

    public override object this[int ordinal] => _inner[ordinal];

    public override object this[string name] => _inner[name];

    public override bool Read()
    {
        bool hasRow;
        try
        {
            hasRow = _inner.Read();
        }
        catch (Exception exception)
        {
            End(exception);
            throw;
        }

        if (hasRow)
        {
            _rows++;
        }

        return hasRow;
    }

    public override Task<bool> ReadAsync(CancellationToken cancellationToken) => Advance(toNextResult: false, cancellationToken);

    public override bool NextResult()
    {
        try
        {
            return _inner.NextResult();
        }
        catch (Exception exception)
        {
            End(exception);
            throw;
        }
    }

    public override Task<bool> NextResultAsync(CancellationToken cancellationToken) => Advance(toNextResult: true, cancellationToken);

    public override void Close()
    {
        var current = Activity.Current;
        try
        {
            _inner.Close();
        }
        finally
        {
            SpanLifecycle.RestoreCurrent(current);
            Finish();
        }
    }

    public override async Task CloseAsync()
    {
        try
        {
            await _inner.CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            Finish();
        }
    }

    // The base implementations would close or dispose the provider's reader a second time; it is disposed here, once.
#pragma warning disable CA2215
    public override async ValueTask DisposeAsync()
    {
        try
        {
            await _inner.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            Finish();
        }

        GC.SuppressFinalize(this);
    }
#pragma warning restore CA2215

    /// <summary>Ends the span with the rows read so far; later calls do nothing.</summary>
    public void Finish() => End(null);

#pragma warning disable CA2215
    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        var current = Activity.Current;
        try
        {
            _inner.Dispose();
        }
        finally
        {
            SpanLifecycle.RestoreCurrent(current);
            Finish();
        }
    }
#pragma warning restore CA2215

    // ReadAsync counts a row; both fail the span when they throw, synchronously or from the task.
    private Task<bool> Advance(bool toNextResult, CancellationToken cancellationToken)
    {
        Task<bool> moving;
        try
        {
            moving = toNextResult ? _inner.NextResultAsync(cancellationToken) : _inner.ReadAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            End(exception);
            throw;
        }

        if (!moving.IsCompletedSuccessfully)
        {
            return AwaitAdvance(moving, countsRows: !toNextResult);
        }

        if (!toNextResult && moving.Result)
        {
            _rows++;
        }

        return moving;
    }

    private async Task<bool> AwaitAdvance(Task<bool> moving, bool countsRows)
    {
        try
        {
            var moved = await moving.ConfigureAwait(false);
            if (countsRows && moved)
            {
                _rows++;
            }

            return moved;
        }
        catch (Exception exception)
        {
            End(exception);
            throw;
        }
    }

    // Once: close, dispose, a failing member and the connection closing under the reader may all get here.
    private void End(Exception? exception)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        _connection.ReaderClosed(this);
        _execution.End(exception, _rows);
    }
}
