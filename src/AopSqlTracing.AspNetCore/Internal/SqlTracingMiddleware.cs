using System.Diagnostics;
using AopSqlTracing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace AopSqlTracing.AspNetCore.Internal;

/// <summary>
/// Per request: marks the request's lifetime scope with the request's span for the duration of the request, so
/// every traced connection resolved in it (or in its child scopes) parents its SQL to the request, whatever thread
/// runs it; the mark is cleared when the rest of the pipeline has finished, failed or not.
/// </summary>
internal sealed partial class SqlTracingMiddleware(Func<HttpContext, bool>? predicate, ILogger logger)
{
    public const string LoggerCategory = "AopSqlTracing.AspNetCore";

    // The predicate is the user's code: the first failure is logged, later ones would only repeat it.
    private int _predicateFailed;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!Selects(context))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var scope = RequestScopes.Of(context);
        var request = context.Features.Get<IHttpActivityFeature>()?.Activity ?? Activity.Current;
        if (request is null)
        {
            // Nobody listens to the hosting activity: still traced (TraceAllCommands off), under whatever is current.
            scope.SetTraced();
        }
        else
        {
            scope.SetParentSpan(request);
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            scope.ClearTraced();
        }
    }

    private bool Selects(HttpContext context)
    {
        if (predicate is null)
        {
            return true;
        }

        try
        {
            return predicate(context);
        }
        catch (Exception exception)
        {
            if (Interlocked.Exchange(ref _predicateFailed, 1) == 0)
            {
                LogPredicateFailed(logger, exception);
            }

            return false;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "The UseSqlTracing predicate threw; such requests are not marked for SQL tracing. Later failures are not logged.")]
    private static partial void LogPredicateFailed(ILogger logger, Exception exception);
}
