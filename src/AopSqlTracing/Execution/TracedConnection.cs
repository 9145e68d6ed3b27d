using System.Runtime.CompilerServices;
using System.Data;
using System.Data.Common;
using AopSqlTracing.Engines;
using Autofac;

namespace AopSqlTracing.Execution;

/// <summary>
/// A provider's connection as the door sees it, whoever the caller: the database it belongs to (options, switch), the
/// lifetime scope it was resolved in (its marks, its parent policy), what its spans say of it, and the readers still
/// open on it, whose spans end when it closes.
/// </summary>
/// <remarks>
/// Most connections have one reader open at a time: it takes one slot, without a lock. A second one open at once turns
/// the slot into a list, kept under a lock on this (internal) object from then on.
/// </remarks>
internal class TracedConnection(TracedDatabase database, DbConnection target, ILifetimeScope? scope)
{
    // Null, the one open reader, or a list of them.
    private object? _openReaders;

    /// <summary>A connection an integration opened itself (an ORM's), traced under <paramref name="options"/>.</summary>
    public TracedConnection(SqlTracingOptions options, DbConnection target, ILifetimeScope? scope)
        : this(new TracedDatabase(options), target, scope)
    {
    }

    private IParentSpanPolicy? _policy;
    private ConnectionFacts? _facts;

    public TracedDatabase Database { get; } = database;

    /// <summary>Gets the provider's connection.</summary>
    public DbConnection Target { get; } = target;

    public ILifetimeScope? Scope { get; private set; } = scope;

    /// <summary>
    /// Gets whether the commands run here name no connection of their own: a data source's own commands, which
    /// throw when asked for it. The policy then hears of <see cref="Target"/>, a connection of the same source.
    /// </summary>
    public bool CommandsNameNoConnection { get; set; }

    /// <summary>
    /// Gets the container's parent policy, resolved at the first traced operation rather than per resolve,
    /// so connections that never trace pay nothing for it.
    /// </summary>
    public IParentSpanPolicy Policy => _policy ??= ParentSpanPolicies.Resolve(Scope);

    /// <summary>
    /// Gets what spans say of the connection, read at the first traced operation since it last opened (and again
    /// once a guess about its engine can be replaced by what another connection showed).
    /// </summary>
    public ConnectionFacts Facts => _facts is { Outdated: false } facts ? facts : ReadFacts();

    /// <summary>
    /// Gets whether only the server, once the connection is open, tells which engine it is (MySqlConnector: MariaDB
    /// or MySQL), so that opening it is worth <see cref="LearnEngine"/>.
    /// </summary>
    public bool TellsEngineOnceOpen => DbEngines.Of(Target.GetType()).AsksServer;

    /// <summary>
    /// Moves the connection to the unit of work it now serves (a pooled ORM context's connection, rented in another
    /// scope): its marks and its parent policy are that scope's from now on.
    /// </summary>
    public void MoveTo(ILifetimeScope? scope)
    {
        if (!ReferenceEquals(Scope, scope))
        {
            Scope = scope;
            _policy = null;
        }
    }

    // Not inlined: reading the facts is rare, and every door that asks for them would otherwise carry it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ConnectionFacts ReadFacts() => _facts = ConnectionFacts.Of(Target);

    /// <summary>Forgets the facts: the connection opened, closed or changed database, so they may differ now.</summary>
    public void FactsChanged() => _facts = null;

    /// <summary>
    /// Reads the facts of a connection that has just opened when only its server tells its engine: the answer is
    /// remembered for the commands of connections that are not open when they run (a data source's own), even if this
    /// connection never runs a traced command.
    /// </summary>
    public void LearnEngine()
    {
        if (TellsEngineOnceOpen && Target.State == ConnectionState.Open)
        {
            _ = Facts;
        }
    }

    public void ReaderOpened(TracedDataReader reader)
    {
        if (Interlocked.CompareExchange(ref _openReaders, reader, null) is null)
        {
            return;
        }

        lock (this)
        {
            while (true)
            {
                var seen = Volatile.Read(ref _openReaders);
                if (seen is List<TracedDataReader> readers)
                {
                    readers.Add(reader);
                    return;
                }

                object next = seen is TracedDataReader one ? new List<TracedDataReader> { one, reader } : reader;
                if (ReferenceEquals(Interlocked.CompareExchange(ref _openReaders, next, seen), seen))
                {
                    return;
                }
            }
        }
    }

    public void ReaderClosed(TracedDataReader reader)
    {
        if (ReferenceEquals(Interlocked.CompareExchange(ref _openReaders, null, reader), reader))
        {
            return;
        }

        lock (this)
        {
            (Volatile.Read(ref _openReaders) as List<TracedDataReader>)?.Remove(reader);
        }
    }

    /// <summary>A reader the application dropped without disposing ends with its connection, so its span ends too.</summary>
    public void FinishOpenReaders()
    {
        TracedDataReader[] readers;
        lock (this)
        {
            readers = Interlocked.Exchange(ref _openReaders, null) switch
            {
                TracedDataReader one => [one],
                List<TracedDataReader> { Count: > 0 } list => [.. list],
                _ => [],
            };
        }

        foreach (var reader in readers)
        {
            reader.Finish();
        }
    }
}
