using System.Data.Common;
using Autofac;
using AopSqlTracing.Internal;

namespace AopSqlTracing.Proxies;

/// <summary>
/// What every proxy handed out by one traced connection shares: the registration it came from, the provider's
/// connection, the proxy the user holds, the lifetime scope it was resolved in, and the readers still open on it.
/// </summary>
internal sealed class ConnectionContext(TracedDatabase database, DbConnection target, ILifetimeScope? scope)
{
    private readonly Lock _readersLock = new();
    private List<TracedDataReader>? _openReaders;
    private IParentSpanPolicy? _policy;

    public TracedDatabase Database { get; } = database;

    public DbConnection Target { get; } = target;

    public ILifetimeScope? Scope { get; } = scope;

    /// <summary>
    /// Gets the container's parent policy, resolved at the first traced execution rather than per resolve,
    /// so connections that never trace pay nothing for it.
    /// </summary>
    public IParentSpanPolicy Policy => _policy ??= ParentSpanPolicies.Resolve(Scope);

    /// <summary>Gets the proxy the user holds; set once, right after the proxy is made.</summary>
    public DbConnection Proxy { get; set; } = null!;

    public void ReaderOpened(TracedDataReader reader)
    {
        lock (_readersLock)
        {
            (_openReaders ??= []).Add(reader);
        }
    }

    public void ReaderClosed(TracedDataReader reader)
    {
        lock (_readersLock)
        {
            _openReaders?.Remove(reader);
        }
    }

    /// <summary>A reader the application dropped without disposing ends with its connection, so its span ends too.</summary>
    public void FinishOpenReaders()
    {
        TracedDataReader[] readers;
        lock (_readersLock)
        {
            if (_openReaders is not { Count: > 0 })
            {
                return;
            }

            readers = [.. _openReaders];
            _openReaders.Clear();
        }

        foreach (var reader in readers)
        {
            reader.Finish();
        }
    }
}
