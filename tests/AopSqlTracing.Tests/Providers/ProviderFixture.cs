using System.Data.Common;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Providers;

/// <summary>
/// The shared base of the behaviour suites (Dapper's test layout): one suite of tests, run once per engine by a
/// concrete subclass. Each test gets its own container and recorder; when it ends, every span it started must be finished.
/// Tables are TEMPORARY tables (the keyword every engine takes), private to the test's connection on every engine.
/// </summary>
public abstract class ProviderFixture<TProvider> : IDisposable
    where TProvider : IDatabaseProvider, new()
{
    private readonly List<IContainer> _containers = [];

    protected ProviderFixture() => Recorder = new SpanRecorder();

    protected TProvider Provider { get; } = new();

    protected SpanRecorder Recorder { get; }

    public void Dispose()
    {
        foreach (var container in _containers)
        {
            container.Dispose();
        }

        var unfinished = Recorder.StartedSpans.Where(span => !span.IsStopped).Select(span => span.DisplayName).ToList();
        Recorder.Dispose();
        Assert.True(unfinished.Count == 0, $"Spans left unfinished: {string.Join(", ", unfinished)}");
        GC.SuppressFinalize(this);
    }

    /// <summary>Skips the test when the engine is not available here.</summary>
    protected void RequireProvider() => Skip.If(Provider.SkipReason is not null, Provider.SkipReason);

    /// <summary>Builds a container with the engine registered as a traced database, as the README shows.</summary>
    protected IContainer Container(Action<SqlTracingOptions>? configure = null)
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection(), options =>
        {
            ConfigureSuite(options);
            configure?.Invoke(options);
        }).InstancePerLifetimeScope();
        var container = builder.Build();
        _containers.Add(container);
        return container;
    }

    /// <summary>Builds a container with the engine's data source registered as traced, as the README shows; the caller disposes it.</summary>
    protected IContainer DataSourceContainer(Action<SqlTracingOptions>? configure = null)
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDataSource(_ => Provider.CreateDataSource(), options =>
        {
            ConfigureSuite(options);
            configure?.Invoke(options);
        }).SingleInstance();
        return builder.Build();
    }

    /// <summary>Sets what a whole suite wants of every database it registers, before each test's own options.</summary>
    protected virtual void ConfigureSuite(SqlTracingOptions options)
    {
    }

    /// <summary>Disposes <paramref name="container"/> when the test ends.</summary>
    protected void Track(IContainer container) => _containers.Add(container);

    /// <summary>Resolves and opens a traced connection from a fresh container.</summary>
    protected DbConnection Open(Action<SqlTracingOptions>? configure = null) => Container(configure).OpenConnection();

    /// <summary>Opens a plain provider connection, the untraced reference for "same result as without tracing".</summary>
    protected DbConnection OpenRaw()
    {
        RequireProvider();
        var connection = Provider.CreateConnection();
        connection.Open();
        return connection;
    }

    /// <summary>Creates a private users table with three rows, without recording its spans.</summary>
    protected void CreateUsers(DbConnection connection)
    {
        connection.Execute($"CREATE TEMPORARY TABLE users (id {Provider.IdentityColumn}, name VARCHAR(100) NOT NULL UNIQUE)");
        connection.Execute("INSERT INTO users (name) VALUES ('Ada'), ('Grace'), ('Barbara')");
        Recorder.Clear();
    }
}
