using Autofac;
using Autofac.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AopSqlTracing.AspNetCore.Internal;

/// <summary>Finds the Autofac lifetime scope behind a request's services: the unit of work the request's SQL belongs to.</summary>
internal static class RequestScopes
{
    public const string NotAutofacMessage =
        "UseSqlTracing() marks each request's Autofac lifetime scope, but the application's services do not come from Autofac. "
        + "Configure the host with builder.Host.UseServiceProviderFactory(new AutofacServiceProviderFactory()) "
        + "(package Autofac.Extensions.DependencyInjection) before building the application.";

    public static ILifetimeScope Of(HttpContext context)
    {
        var services = context.RequestServices;

        // Autofac's provider for a request wraps the request's own scope; resolving ILifetimeScope from it gives the same.
        return services switch
        {
            AutofacServiceProvider autofac => autofac.LifetimeScope,
            null => throw new InvalidOperationException(NotAutofacMessage),
            _ => services.GetService<ILifetimeScope>() ?? throw new InvalidOperationException(NotAutofacMessage),
        };
    }
}
