using Autofac;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AopSqlTracing.Benchmarks;

/// <summary>
/// Issue 16: EF Core <c>FirstOrDefault</c> by key on SQLite in memory, raw, with <c>UseSqlTracing</c>, and with
/// OpenTelemetry's EF Core instrumentation, each under an OpenTelemetry tracer provider that samples everything
/// and exports nothing (the cost of making the span, not of sending it). One context, as a unit of work holds.
/// </summary>
[MemoryDiagnoser]
public class EntityFrameworkBenchmarks
{
    private const string Database = "Data Source=ef-bench;Mode=Memory;Cache=Shared";

    private SqliteConnection _keeper = null!;
    private IContainer _container = null!;
    private TracerProvider? _tracing;
    private BenchContext _context = null!;
    private int _next;

    [GlobalSetup(Target = nameof(Raw))]
    public void SetupRaw() => Setup(tracing: null, useSqlTracing: false);

    [GlobalSetup(Target = nameof(AopSqlTracing))]
    public void SetupOurs() => Setup(Sdk.CreateTracerProviderBuilder().AddAopSqlTracing(), useSqlTracing: true);

    [GlobalSetup(Target = nameof(OpenTelemetryInstrumentation))]
    public void SetupTheirs() => Setup(Sdk.CreateTracerProviderBuilder().AddEntityFrameworkCoreInstrumentation(), useSqlTracing: false);

    [GlobalCleanup]
    public void Cleanup()
    {
        _context.Dispose();
        _tracing?.Dispose();
        _container.Dispose();
        _keeper.Dispose();
    }

    [Benchmark(Baseline = true, Description = "EF Core, raw")]
    public string? Raw() => Query();

    [Benchmark(Description = "EF Core, UseSqlTracing")]
    public string? AopSqlTracing() => Query();

    [Benchmark(Description = "EF Core, OpenTelemetry EF Core instrumentation")]
    public string? OpenTelemetryInstrumentation() => Query();

    private string? Query()
    {
        var id = (_next++ % 100) + 1;
        return _context.Items.AsNoTracking().Where(item => item.Id == id).Select(item => item.Name).FirstOrDefault();
    }

    private void Setup(TracerProviderBuilder? tracing, bool useSqlTracing)
    {
        _keeper = new SqliteConnection(Database);
        _keeper.Open();
        _container = new ContainerBuilder().Build();
        _tracing = tracing?.SetSampler(new AlwaysOnSampler()).Build();
        var options = new DbContextOptionsBuilder<BenchContext>().UseSqlite(Database);
        if (useSqlTracing)
        {
            options.UseSqlTracing(_container);
        }

        _context = new BenchContext(options.Options);
        _context.Database.EnsureDeleted();
        _context.Database.EnsureCreated();
        _context.Items.AddRange(Enumerable.Range(1, 100).Select(i => new BenchItem { Id = i, Name = $"item {i}" }));
        _context.SaveChanges();
        _context.ChangeTracker.Clear();
    }

    public sealed class BenchContext(DbContextOptions<BenchContext> options) : DbContext(options)
    {
        public DbSet<BenchItem> Items => Set<BenchItem>();
    }

    public sealed class BenchItem
    {
        public int Id { get; set; }

        public required string Name { get; set; }
    }
}
