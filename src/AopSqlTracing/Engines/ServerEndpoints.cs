using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;

namespace AopSqlTracing.Engines;

/// <summary>
/// <c>server.address</c> and <c>server.port</c> of a networked database, read once per distinct connection string
/// (applications use a handful) from its host and port keys.
/// </summary>
internal static class ServerEndpoints
{
    private const int MaxCachedEntries = 256;

    private static readonly ConcurrentDictionary<string, ServerEndpoint> Cache = new(StringComparer.Ordinal);
    private static readonly string[] HostKeys = ["Host", "Server", "Address", "Addr", "Data Source"];

    public static ServerEndpoint Of(DbConnection connection, DbEngine engine)
    {
        // An embedded database has a file, not a server.
        if (!engine.HasServer)
        {
            return ServerEndpoint.None;
        }

        var connectionString = connection.ConnectionString;
        if (string.IsNullOrEmpty(connectionString))
        {
            return ServerEndpoint.None;
        }

        if (Cache.TryGetValue(connectionString, out var endpoint))
        {
            return endpoint;
        }

        endpoint = Parse(connectionString, engine.WritesServerAsDataSource);
        if (Cache.Count < MaxCachedEntries)
        {
            Cache.TryAdd(connectionString, endpoint);
        }

        return endpoint;
    }

    private static ServerEndpoint Parse(string connectionString, bool dataSourceForm)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? host = null;
        foreach (var key in HostKeys)
        {
            if (builder.TryGetValue(key, out var value) && value is string { Length: > 0 } text)
            {
                host = text;
                break;
            }
        }

        if (host is null)
        {
            return ServerEndpoint.None;
        }

        int? port = builder.TryGetValue("Port", out var portValue)
            && int.TryParse(Convert.ToString(portValue, CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : null;

        if (dataSourceForm)
        {
            return DataSource(host, port);
        }

        // Several hosts (failover lists): keep the first host, and a port written beside it.
        host = host.Split(',', 2)[0];
        var colon = host.LastIndexOf(':');
        if (colon > 0 && int.TryParse(host.AsSpan(colon + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var inlinePort))
        {
            port ??= inlinePort;
            host = host[..colon];
        }

        return new ServerEndpoint(host, port);
    }

    // SQL Server: [protocol:]host[\instance][,port]; the instance is found through the server, so only a port written
    // after the comma is the port.
    private static ServerEndpoint DataSource(string dataSource, int? port)
    {
        var text = dataSource.AsSpan().Trim();
        var protocol = text.IndexOf(':');
        if (protocol > 0 && text[..protocol] is "tcp" or "np" or "lpc" or "admin" or "TCP" or "NP" or "LPC" or "ADMIN")
        {
            text = text[(protocol + 1)..];
        }

        var comma = text.IndexOf(',');
        if (comma >= 0)
        {
            if (int.TryParse(text[(comma + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var written))
            {
                port ??= written;
            }

            text = text[..comma];
        }

        var instance = text.IndexOf('\\');
        var host = (instance >= 0 ? text[..instance] : text).Trim().ToString();
        return host.Length == 0 ? ServerEndpoint.None : new ServerEndpoint(host, port);
    }
}

/// <summary>Where a database server listens, as far as the connection string tells.</summary>
internal sealed record ServerEndpoint(string? Address, int? Port)
{
    public static readonly ServerEndpoint None = new(null, null);
}
