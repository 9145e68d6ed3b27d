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

    private int _unrecordedReported;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!Selects(context))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var scope = RequestScopes.Of(context);
        Mark(scope, context.Features.Get<IHttpActivityFeature>()?.Activity ?? Activity.Current);

        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            scope.ClearTraced();
        }
    }

    // Tracing never throws into a request: a request Activity that cannot be a parent (hierarchical ids, as older
    // applications force, have no W3C context) still marks the scope, and its SQL goes under Activity.Current.
    private void Mark(global::Autofac.ILifetimeScope scope, Activity? request)
    {
        if (request is null || request.IdFormat != ActivityIdFormat.W3C || request.Context == default)
        {
            scope.SetTracedUntilScopeEnds();
            return;
        }

        if (!request.Recorded && Interlocked.Exchange(ref _unrecordedReported, 1) == 0)
        {
            // Its SQL spans are its children and share its trace id, but a parent-based sampler drops them.
            LogRequestNotRecorded(logger);
        }

        // The request's mark lasts the request: a commit inside it ends the units of work the application marks.
        scope.SetParentSpanUntilScopeEnds(request);
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

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "The request's Activity is not recorded, so the SQL spans under it belong to a trace nobody exports (and a parent-based sampler drops them). "
            + "Add the ASP.NET Core instrumentation to the tracer provider: .AddAspNetCoreInstrumentation(). Logged once.")]
    private static partial void LogRequestNotRecorded(ILogger logger);
}
