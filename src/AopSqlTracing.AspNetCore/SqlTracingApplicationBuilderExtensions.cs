using AopSqlTracing.AspNetCore.Internal;
using Autofac;
using Autofac.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

// In ASP.NET Core's namespace, as its own Use… extensions are, so a web project's implicit usings bring it.
namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Adds AopSqlTracing to an ASP.NET Core pipeline: one request, one Autofac lifetime scope, one trace.
/// Use it in applications whose request services come from Autofac, so every SQL command a request runs is a child
/// of the request's span, even where the ambient <see cref="System.Diagnostics.Activity.Current"/> does not flow.
/// </summary>
public static class SqlTracingApplicationBuilderExtensions
{
    /// <summary>
    /// Marks the Autofac lifetime scope behind <see cref="HttpContext.RequestServices"/> with the request's
    /// <see cref="System.Diagnostics.Activity"/> (ASP.NET Core's hosting activity, or else the current one) for the
    /// requests <paramref name="predicate"/> selects, and clears the mark when the request ends.
    /// Call it early in the pipeline (after exception handling, before the endpoints); with
    /// <c>TraceAllCommands = false</c> it traces the SQL of the selected requests only.
    /// </summary>
    /// <param name="app">The application's pipeline; its services must come from Autofac's service provider factory.</param>
    /// <param name="predicate">Selects the requests whose scope is marked, e.g. <c>c =&gt; !c.Request.Path.StartsWithSegments("/health")</c>;
    /// <see langword="null"/> selects every request. A predicate that throws counts as <see langword="false"/> and is logged once.</param>
    /// <returns>The same <paramref name="app"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="app"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The application's services are not Autofac's, so requests have no lifetime scope to mark.</exception>
    public static IApplicationBuilder UseSqlTracing(this IApplicationBuilder app, Func<HttpContext, bool>? predicate = null)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Fail at startup, not on the first request: without Autofac there is no request scope to carry the mark.
        if (app.ApplicationServices is not AutofacServiceProvider && app.ApplicationServices.GetService<ILifetimeScope>() is null)
        {
            throw new InvalidOperationException(RequestScopes.NotAutofacMessage);
        }

        var logger = app.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger(SqlTracingMiddleware.LoggerCategory)
            ?? NullLogger.Instance;
        var middleware = new SqlTracingMiddleware(predicate, logger);
        return app.Use(next => context => middleware.InvokeAsync(context, next));
    }
}
