using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace AopSqlTracing.EntityFrameworkCore.Internal;

/// <summary>
/// Keeps the last exception thrown in the flow of a traced EF Core command, because EF Core hands a cancellation's
/// interceptor no exception: the span records the provider's own (Npgsql's "Query was cancelled", with the server's
/// 57014), as on a traced connection, instead of one made up here.
/// </summary>
/// <remarks>
/// The process's first-chance notifications are watched from the first traced command on; outside a traced EF Core
/// command's flow the handler reads one <see cref="AsyncLocal{T}"/> and does nothing.
/// </remarks>
internal static class ProviderFailures
{
    private static readonly AsyncLocal<StrongBox<Exception?>?> Watched = new();
    private static int _subscribed;

    /// <summary>Starts keeping the exceptions thrown in the current flow (the provider's call runs in it); returns where they go.</summary>
    public static StrongBox<Exception?> Watch()
    {
        if (Interlocked.Exchange(ref _subscribed, 1) == 0)
        {
            AppDomain.CurrentDomain.FirstChanceException += Noted;
        }

        var box = new StrongBox<Exception?>();
        Watched.Value = box;
        return box;
    }

    // Static, and never throws: it runs for every exception the process throws.
    private static void Noted(object? sender, FirstChanceExceptionEventArgs thrown)
    {
        if (Watched.Value is { } box)
        {
            box.Value = thrown.Exception;
        }
    }
}
