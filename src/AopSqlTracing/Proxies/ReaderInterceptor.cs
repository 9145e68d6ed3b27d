using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Internal;
using Castle.DynamicProxy;

namespace AopSqlTracing.Proxies;

/// <summary>
/// Keeps a reader's span open while rows are read, counts them, and ends the span once: on close, on dispose,
/// on a read that fails, or when the connection closes under a reader the application dropped.
/// </summary>
internal sealed class ReaderInterceptor(Activity activity, ConnectionContext connection, Action? whenClosed) : ITracingInterceptor
{
    public static readonly string[] InterceptedMethods =
    [
        nameof(DbDataReader.Read), nameof(DbDataReader.ReadAsync),
        nameof(DbDataReader.Close), nameof(DbDataReader.CloseAsync), "Dispose", nameof(DbDataReader.DisposeAsync),
    ];

    private Activity? _activity = activity;
    private long _rows;

    public void Intercept(IInvocation invocation)
    {
        switch (invocation.Method.Name)
        {
            case nameof(DbDataReader.Read):
                Read(invocation);
                break;
            case nameof(DbDataReader.ReadAsync):
                ReadAsync(invocation);
                break;
            case nameof(DbDataReader.CloseAsync):
                invocation.Proceed();
                invocation.ReturnValue = SpanCompletion.ThenAlways((Task)invocation.ReturnValue!, Finish);
                break;
            case nameof(DbDataReader.DisposeAsync):
                invocation.Proceed();
                SpanCompletion.ReturnThenAlways(invocation, Finish);
                break;
            default:
                try
                {
                    invocation.Proceed();
                }
                finally
                {
                    Finish();
                }

                break;
        }
    }

    /// <summary>Ends the span with the rows read so far; later calls do nothing.</summary>
    public void Finish() => End(null);

    private void Fail(Exception exception) => End(exception);

    private void End(Exception? exception)
    {
        var activity = Interlocked.Exchange(ref _activity, null);
        if (activity is null)
        {
            return;
        }

        connection.ReaderClosed(this);
        whenClosed?.Invoke();
        SqlSpanFactory.SetReturnedRows(activity, _rows);
        if (exception is null)
        {
            SqlSpanFactory.Stop(activity);
        }
        else
        {
            SqlSpanFactory.Fail(activity, exception, connection.Database.Options);
        }
    }

    private void Read(IInvocation invocation)
    {
        try
        {
            invocation.Proceed();
        }
        catch (Exception exception)
        {
            Fail(exception);
            throw;
        }

        if ((bool)invocation.ReturnValue!)
        {
            _rows++;
        }
    }

    private void ReadAsync(IInvocation invocation)
    {
        try
        {
            invocation.Proceed();
        }
        catch (Exception exception)
        {
            Fail(exception);
            throw;
        }

        var reading = (Task<bool>)invocation.ReturnValue!;
        if (reading.IsCompletedSuccessfully)
        {
            if (reading.Result)
            {
                _rows++;
            }

            return;
        }

        invocation.ReturnValue = CountWhenRead(reading);
    }

    private async Task<bool> CountWhenRead(Task<bool> reading)
    {
        try
        {
            var hasRow = await reading.ConfigureAwait(false);
            if (hasRow)
            {
                _rows++;
            }

            return hasRow;
        }
        catch (Exception exception)
        {
            Fail(exception);
            throw;
        }
    }
}
