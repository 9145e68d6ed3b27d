using Microsoft.Data.Sqlite;
using Npgsql;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// One physical connection per engine, shared by every variant of that engine, so all variants talk to the same
/// PostgreSQL backend process (one backend can be faster than another) and the same SQLite database. Our proxies
/// are made by two registrations whose factory hands out that same connection: one traces every command, one
/// traces nothing (<c>TraceAllCommands = false</c>, nothing marked). The connection is opened through the tracing
/// proxy, as an application would. Each variant has its own prepared command.
/// </summary>
internal sealed class InterleavedFixture : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    private InterleavedFixture()
    {
    }

    public required EngineCommands Postgres { get; init; }

    public required EngineCommands Sqlite { get; init; }

    public static InterleavedFixture Create(string postgresConnectionString)
    {
        var owned = new List<IDisposable>();
        var dataSource = new NpgsqlDataSourceBuilder(postgresConnectionString).Build();
        owned.Add(dataSource);
        var postgres = EngineCommands.Create(dataSource.CreateConnection(), "SERIAL PRIMARY KEY", owned);
        var sqlite = EngineCommands.Create(new SqliteConnection("Data Source=:memory:"), "INTEGER PRIMARY KEY", owned);
        var fixture = new InterleavedFixture { Postgres = postgres, Sqlite = sqlite };
        fixture._owned.AddRange(owned);
        return fixture;
    }

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
    }
}
