using System.Data.Common;
using System.Diagnostics;
using Autofac;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// The variants the six figures are made of, built through the library's public API only. One provider connection
/// per engine is shared by every variant of that engine (the same SQLite database, the same PostgreSQL backend
/// process); our proxies of it come from two registrations whose factory hands out that connection: one traces every
/// command, one traces nothing (<c>TraceAllCommands = false</c>, nothing marked). Each variant has its own prepared command.
/// </summary>
internal sealed class ProbeFixture : IDisposable
{
    public const string SpanFloorSource = "InterleavedSpanFloor";

    private const int TableRows = 1_000;
    private const string ReaderSelect = "SELECT id, name FROM users";

    private static readonly ActivitySource FloorSource = new(SpanFloorSource);
    private static readonly object[] Keys = [.. Enumerable.Range(1, 100).Select(i => (object)i)];

    private readonly List<IDisposable> _owned = [];

    private ProbeFixture()
    {
    }

    /// <summary>Gets the SQLite in-memory variants: figures 1 to 5.</summary>
    public List<ProbeVariant> Sqlite { get; } = [];

    /// <summary>Gets the PostgreSQL variants (figure 6), none without a connection string.</summary>
    public List<ProbeVariant> Postgres { get; } = [];

    public string? PostgresVersion { get; private set; }

    public static ProbeFixture Create(string? postgres)
    {
        var fixture = new ProbeFixture();
        fixture.AddSqlite();
        if (postgres is not null)
        {
            fixture.AddPostgres(postgres);
        }

        return fixture;
    }

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
    }

    private void AddSqlite()
    {
        var provider = new SqliteConnection("Data Source=:memory:");
        var (traced, untraced) = Proxies(provider, "INTEGER PRIMARY KEY");
        var castle = PassThroughInterceptor.Generator.CreateClassProxyWithTarget(PointSelect(provider).Command, new PassThroughInterceptor());
        var castleSelect = new KeyedCommand(castle, (DbParameter)castle.Parameters[0]);
        var floor = PointSelect(provider);
        var floorTags = new KeyValuePair<string, object?>[]
        {
            new("db.system.name", "sqlite"), new("db.namespace", provider.Database), new("db.query.text", UsersDatabase.PointSelect),
            new("db.operation.name", "SELECT"), new("db.query.summary", "SELECT users"), new("db.collection.name", "users"),
        };

        var plain = new ContainerBuilder();
        plain.Register(_ => new SqliteConnection("Data Source=:memory:")).As<DbConnection>().ExternallyOwned();
        var tracedResolve = new ContainerBuilder();
        tracedResolve.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:")).ExternallyOwned();
        var plainContainer = Own(plain.Build());
        var tracedContainer = Own(tracedResolve.Build());

        Sqlite.AddRange(
        [
            Variant("raw", "raw Microsoft.Data.Sqlite", ListenerWorld.Any, 16, PointSelect(provider).Run<byte>),
            Variant("castle", "Castle floor: class proxy with target, Proceed only", ListenerWorld.Any, 16, castleSelect.Run<sbyte>),
            Variant("span-floor", "span floor: raw + a bare Activity with our 6 tags", ListenerWorld.Spans, 16, () => WithBareSpan(floor, floorTags)),
            Variant("traced", "ours, traced (listener sampling all)", ListenerWorld.Spans, 16, PointSelect(traced).Run<short>),
            Variant("untraced", "ours, untraced (TraceAllCommands = false, listener on)", ListenerWorld.Spans, 16, PointSelect(untraced).Run<ushort>),
            Variant("measured", "ours, measured only (meter listener, no span listener)", ListenerWorld.Measurements, 16, PointSelect(traced).Run<int>),
            Variant("resolve-plain", "resolve DbConnection, plain registration", ListenerWorld.Any, 16, plainContainer.Resolve<DbConnection>),
            Variant("resolve-traced", "resolve DbConnection, RegisterTracedDatabase", ListenerWorld.Any, 16, tracedContainer.Resolve<DbConnection>),
            Variant("reader-raw", $"reader over {TableRows:N0} rows, raw", ListenerWorld.Any, 1, ReadAll<byte>(Prepared(provider, ReaderSelect))),
            Variant("reader-traced", $"reader over {TableRows:N0} rows, traced", ListenerWorld.Spans, 1, ReadAll<sbyte>(Prepared(traced, ReaderSelect))),
        ]);
    }

    private void AddPostgres(string connectionString)
    {
        var dataSource = Own(new NpgsqlDataSourceBuilder(connectionString).Build());
        var provider = dataSource.CreateConnection();
        var (traced, untraced) = Proxies(provider, "SERIAL PRIMARY KEY");
        PostgresVersion = provider.ServerVersion;
        Postgres.AddRange(
        [
            Variant("pg-raw", "raw Npgsql, nothing listened", ListenerWorld.None, 4, PointSelect(provider).Run<uint>),
            Variant("pg-npgsql", "raw Npgsql, its own source \"Npgsql\" listened", ListenerWorld.Npgsql, 4, PointSelect(provider).Run<long>),
            Variant("pg-untraced", "ours, untraced (TraceAllCommands = false, listener on)", ListenerWorld.Spans, 4, PointSelect(untraced).Run<ulong>),
            Variant("pg-traced", "ours, traced (listener sampling all)", ListenerWorld.Spans, 4, PointSelect(traced).Run<float>),
        ]);
    }

    // Two proxies of one provider connection, opened through the tracing one as an application would, with the table made.
    private (DbConnection Traced, DbConnection Untraced) Proxies(DbConnection provider, string identity)
    {
        Own(provider);
        var traced = Own(Registered(provider, traceAll: true)).Resolve<DbConnection>();
        var untraced = Own(Registered(provider, traceAll: false)).Resolve<DbConnection>();
        traced.Open();
        UsersDatabase.Create(provider, TableRows, identity);
        return (traced, untraced);
    }

    private static IContainer Registered(DbConnection provider, bool traceAll)
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => provider, o => o.TraceAllCommands = traceAll).SingleInstance().ExternallyOwned();
        return builder.Build();
    }

    private static ProbeVariant Variant(string key, string name, ListenerWorld world, int batch, Func<object?> run) => new(key, name, world, batch, run);

    private static KeyedCommand PointSelect(DbConnection connection)
    {
        var command = UsersDatabase.PreparePointSelect(connection, out var id);
        return new KeyedCommand(command, id);
    }

    private static DbCommand Prepared(DbConnection connection, string text)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        command.Prepare();
        return command;
    }

    // Every row, both columns read; TCallSite as in KeyedCommand.Run.
    private static Func<object?> ReadAll<TCallSite>(DbCommand command)
        where TCallSite : struct
        => () => ReadRows<TCallSite>(command);

    private static object? ReadRows<TCallSite>(DbCommand command)
        where TCallSite : struct
    {
        long sum = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            sum += reader.GetInt64(0) + reader.GetString(1).Length;
        }

        return sum;
    }

    // The least a span can cost around the same command: one Activity with the tags ours carries, nothing decided.
    // The tags are handed over at creation, the cheapest way (`--only steps`: ~35 ns less than six SetTag calls).
    private static object? WithBareSpan(KeyedCommand select, KeyValuePair<string, object?>[] tags)
    {
        var activity = FloorSource.StartActivity(ActivityKind.Client, default, tags, name: "select");
        var result = select.Run<char>();
        activity?.Stop();
        return result;
    }

    private T Own<T>(T owned)
        where T : IDisposable
    {
        _owned.Add(owned);
        return owned;
    }

    // A prepared command and its key parameter, set to the next of 100 keys (boxed once) before each run.
    private sealed class KeyedCommand(DbCommand command, DbParameter id)
    {
        private int _next;

        public DbCommand Command { get; } = command;

        // TCallSite, a different value type per variant, gives each variant its own compiled copy of this call, so the
        // JIT's profile-guided devirtualisation sees one command (or reader) type per call site, as an application's
        // code would; one shared call site would favour whichever type it happened to see most, differently per run.
        public object? Run<TCallSite>()
            where TCallSite : struct
        {
            id.Value = Keys[_next++ % Keys.Length];
            return Command.ExecuteScalar();
        }
    }
}
