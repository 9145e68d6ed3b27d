using System.Diagnostics;
using Autofac;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AopSqlTracing.Demo;

/// <summary>
/// The seed's Session on an ORM: an EF Core context marked with a checkout's span, so its query and the commands
/// SaveChanges sends are the checkout's children; SaveChanges ends the mark, as a commit does.
/// </summary>
internal static class EntityFrameworkDemo
{
    private const string SharedDatabase = "Data Source=aopsql-ef-demo;Mode=Memory;Cache=Shared";

    public static async Task RunAsync(ActivitySource source)
    {
        await using var keeper = new SqliteConnection(SharedDatabase);
        await keeper.OpenAsync();

        var builder = new ContainerBuilder();
        builder.Register(c => new ShopContext(new DbContextOptionsBuilder<ShopContext>()
                .UseSqlite(SharedDatabase)
                .UseSqlTracing(c.Resolve<ILifetimeScope>(), options => options.TraceAllCommands = false)
                .Options))
            .InstancePerLifetimeScope();
        await using var container = builder.Build();
        await using (var setup = container.BeginLifetimeScope())
        {
            await setup.Resolve<ShopContext>().Database.EnsureCreatedAsync();
        }

        using var checkout = source.StartActivity("POST /checkout");
        await using var scope = container.BeginLifetimeScope();
        var shop = scope.Resolve<ShopContext>();
        shop.SetParentSpan(checkout!);

        var known = await shop.Orders.CountAsync();
        shop.Orders.AddRange(new Order { Item = "tea" }, new Order { Item = "scones" }, new Order { Item = "jam" });
        await shop.SaveChangesAsync();
        Console.WriteLine($"checkout: {known} orders before, {await shop.Orders.CountAsync()} after (the last count is untraced: SaveChanges ended the mark)");
    }

    private sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
    {
        public DbSet<Order> Orders => Set<Order>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Order>().ToTable("orders");
    }

    private sealed class Order
    {
        public int Id { get; set; }

        public required string Item { get; set; }
    }
}
