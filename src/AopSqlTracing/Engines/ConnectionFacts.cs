using System.Data.Common;

namespace AopSqlTracing.Engines;

/// <summary>
/// What every span of one open connection carries about it: its engine (<c>db.system.name</c>, the dialect its text
/// is read in), <c>db.namespace</c> and the server's endpoint. Read once per open (a traced connection caches it
/// until it closes, opens or changes database), because on some providers each read costs a look-up or a string. A
/// MySQL-protocol connection tells MariaDB from MySQL by its server's version, so only once it is open (see
/// <see cref="DbEngines"/>).
/// </summary>
internal sealed class ConnectionFacts
{
    public static readonly ConnectionFacts Unknown = new(DbEngine.Other, null, ServerEndpoint.None);

    // The engine was told from the provider type alone (a MySQL-protocol connection not open yet, its server not seen).
    private readonly bool _guessed;

    private ConnectionFacts(DbEngine engine, string? @namespace, ServerEndpoint server, bool guessed = false)
    {
        Engine = engine;
        _guessed = guessed;
        Namespace = @namespace;
        Server = server;
        Port = server is { Address: not null, Port: { } port } ? port : null;
    }

    public DbEngine Engine { get; }

    /// <summary>Gets <c>server.port</c>, boxed once here rather than on every span; null without a server address.</summary>
    public object? Port { get; }

    public string? Namespace { get; }

    public ServerEndpoint Server { get; }

    /// <summary>
    /// Gets whether these facts should be read again: the engine was guessed from the provider type, and an open
    /// connection has since shown which engine that server is.
    /// </summary>
    public bool Outdated => _guessed && DbEngines.Remembered(Server) is not null;

    /// <summary>Reads the facts of <paramref name="connection"/> (the provider's); never throws.</summary>
    public static ConnectionFacts Of(DbConnection? connection)
    {
        if (connection is null)
        {
            return Unknown;
        }

        try
        {
            var byType = DbEngines.Of(connection.GetType());
            var server = ServerEndpoints.Of(connection, byType);
            var engine = DbEngines.Of(connection, byType, server, out var guessed);
            return new ConnectionFacts(engine, connection.Database, server, guessed);
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("connection facts", exception);
            return Unknown;
        }
    }
}
