using System.Data.Common;
using System.Diagnostics;

namespace AopSqlTracing.WebDemo;

/// <summary>
/// Two endpoints that show the edges of request tracing, mapped only with <c>Diagnostics:Enabled=true</c>:
/// a handler that fails while reading rows, and SQL run where the request's ambient context does not flow.
/// </summary>
public static class DiagnosticEndpoints
{
    /// <summary>Maps <c>GET /diagnostics/boom</c> and <c>GET /diagnostics/detached</c>.</summary>
    public static IEndpointRouteBuilder MapDiagnosticEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var diagnostics = endpoints.MapGroup("/diagnostics");
        diagnostics.MapGet("/boom", BoomAsync);
        diagnostics.MapGet("/detached", DetachedAsync);
        return endpoints;
    }

    // Fails after a repository call, in the middle of reading rows: the app answers its usual 500, and every span
    // still ends, the reader's with the error unwinding through its using.
    private static async Task<IResult> BoomAsync(IUserRepository users, DbConnection connection, CancellationToken cancellationToken)
    {
        var listed = await users.ListAsync(cancellationToken);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, name FROM users ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        throw new InvalidOperationException($"Boom: failed on purpose after listing {listed.Count} users, while reading them again.");
    }

    // The SQL runs on a thread pool thread started with the execution context suppressed, so neither
    // Activity.Current nor any AsyncLocal reaches it: only the request scope's mark can parent it to the request.
    private static async Task<IResult> DetachedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        Task<DetachedCount> work;
        using (ExecutionContext.SuppressFlow())
        {
            work = Task.Run(() => CountUsersAsync(connection, cancellationToken), cancellationToken);
        }

        return Results.Ok(await work);
    }

    private static async Task<DetachedCount> CountUsersAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var ambient = Activity.Current?.Id;
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM users";
        var users = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new DetachedCount(users, ambient);
    }
}
