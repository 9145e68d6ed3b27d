using AopSqlTracing;
using AopSqlTracing.EntityFrameworkCore.Internal;
using Autofac;
using Microsoft.EntityFrameworkCore.Infrastructure;

// In EF Core's namespace, as its own Use… extensions are, so the usings that configure a context bring it.
namespace Microsoft.EntityFrameworkCore;

/// <summary>
/// Traces a <see cref="DbContext"/>'s SQL with AopSqlTracing: every command EF Core runs goes through the same
/// marks, parent policy, spans and metrics as a traced connection, and the context itself can be marked.
/// </summary>
public static class SqlTracingDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Adds the interceptors that trace every command this context runs. Call it where the provider is chosen:
    /// <c>AddDbContext&lt;T&gt;((services, o) =&gt; o.UseNpgsql(cs).UseSqlTracing(services))</c>.
    /// </summary>
    /// <param name="builder">The context's options builder.</param>
    /// <param name="services">
    /// The services the context is resolved from: with Autofac behind ASP.NET Core (<c>AutofacServiceProviderFactory</c>)
    /// they are the request's lifetime scope, whose marks then apply, and whose parent policy is used.
    /// </param>
    /// <param name="configure">Sets the <see cref="SqlTracingOptions"/> of this context's SQL; omit for the defaults.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="services"/> is null.</exception>
    public static DbContextOptionsBuilder UseSqlTracing(this DbContextOptionsBuilder builder, IServiceProvider services, Action<SqlTracingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(services);
        return Add(builder, services.GetService(typeof(ILifetimeScope)) as ILifetimeScope, configure);
    }

    /// <summary>
    /// Adds the interceptors that trace every command this context runs, for a context registered in Autofac by hand:
    /// <c>builder.Register(c =&gt; new ShopContext(new DbContextOptionsBuilder&lt;ShopContext&gt;().UseSqlite(cs).UseSqlTracing(c.Resolve&lt;ILifetimeScope&gt;()).Options))</c>.
    /// </summary>
    /// <param name="builder">The context's options builder.</param>
    /// <param name="scope">The lifetime scope the context is resolved in: its marks apply, its parent policy is used.</param>
    /// <param name="configure">Sets the <see cref="SqlTracingOptions"/> of this context's SQL; omit for the defaults.</param>
    /// <returns>The same <paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="scope"/> is null.</exception>
    public static DbContextOptionsBuilder UseSqlTracing(this DbContextOptionsBuilder builder, ILifetimeScope scope, Action<SqlTracingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(scope);
        return Add(builder, scope, configure);
    }

    /// <inheritdoc cref="UseSqlTracing(DbContextOptionsBuilder, IServiceProvider, Action{SqlTracingOptions}?)"/>
    public static DbContextOptionsBuilder<TContext> UseSqlTracing<TContext>(
        this DbContextOptionsBuilder<TContext> builder, IServiceProvider services, Action<SqlTracingOptions>? configure = null)
        where TContext : DbContext
        => (DbContextOptionsBuilder<TContext>)UseSqlTracing((DbContextOptionsBuilder)builder, services, configure);

    /// <inheritdoc cref="UseSqlTracing(DbContextOptionsBuilder, ILifetimeScope, Action{SqlTracingOptions}?)"/>
    public static DbContextOptionsBuilder<TContext> UseSqlTracing<TContext>(
        this DbContextOptionsBuilder<TContext> builder, ILifetimeScope scope, Action<SqlTracingOptions>? configure = null)
        where TContext : DbContext
        => (DbContextOptionsBuilder<TContext>)UseSqlTracing((DbContextOptionsBuilder)builder, scope, configure);

    // As EF Core's own Use… methods replace their options extension, a second call on the same builder (the same
    // configure action given to AddDbContext and AddDbContextFactory is common) replaces what the first one set,
    // and leaves one set of interceptors.
    private static DbContextOptionsBuilder Add(DbContextOptionsBuilder builder, ILifetimeScope? scope, Action<SqlTracingOptions>? configure)
    {
        var options = new SqlTracingOptions();
        configure?.Invoke(options);
        var present = builder.Options.FindExtension<CoreOptionsExtension>()?.Interceptors ?? [];
        if (present.OfType<EfSqlTracingInterceptor>().FirstOrDefault() is { } commands && present.OfType<EfUnitOfWorkInterceptor>().FirstOrDefault() is { } unitsOfWork)
        {
            commands.Reconfigure(options, scope);
            unitsOfWork.Scope = scope;
            return builder;
        }

        return builder.AddInterceptors(new EfSqlTracingInterceptor(options, scope), new EfUnitOfWorkInterceptor(scope));
    }
}
