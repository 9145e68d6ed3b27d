using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace AopSqlTracing.EntityFrameworkCore.Tests.Support;

/// <summary>A shop with products, each test's in a schema of its own on PostgreSQL (tests run in parallel).</summary>
public sealed class ShopContext(DbContextOptions<ShopContext> options, string? schema = null) : DbContext(options)
{
    public string? Schema { get; } = schema;

    public DbSet<Product> Products => Set<Product>();

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
        => optionsBuilder.ReplaceService<IModelCacheKeyFactory, SchemaModelCacheKeyFactory>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        if (Schema is not null)
        {
            modelBuilder.HasDefaultSchema(Schema);
        }

        modelBuilder.Entity<Product>(product =>
        {
            product.ToTable("products");
            product.Property(p => p.Id).HasColumnName("id");
            product.Property(p => p.Name).HasColumnName("name").HasMaxLength(100);
            product.Property(p => p.Price).HasColumnName("price");
            product.HasIndex(p => p.Name).IsUnique();
        });
    }

    // One model per schema: EF Core caches the model per context type unless told what else tells models apart.
    private sealed class SchemaModelCacheKeyFactory : IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) => (context.GetType(), (context as ShopContext)?.Schema, designTime);
    }
}

public sealed class Product
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public decimal Price { get; set; }
}
