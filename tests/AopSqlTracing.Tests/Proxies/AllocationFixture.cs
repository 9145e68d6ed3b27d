using System.Data.Common;
using System.Runtime.CompilerServices;
using AopSqlTracing.Tests.Support;
using Autofac;
using Autofac.Core.Resolving.Pipeline;
using Castle.DynamicProxy;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Proxies;

/// <summary>
/// Bytes are exact where time is not: an untraced command through our proxy allocates exactly what a bare Castle
/// proxy of the same command does, so nothing of ours is paid per execution when nothing is traced.
/// </summary>
[Collection(RunsAloneGroup.Name)]
public sealed class AllocationFixture
{
    private const int Runs = 2_000;

    [Fact]
    public void UntracedPreparedSelect_AllocatesExactlyTheCastleFloor()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var traced = container.OpenConnection();
        using var raw = new SqliteConnection(TestContainers.InMemory);
        raw.Open();
        var tracedCommand = PointSelect(traced);
        var rawCommand = PointSelect(raw);
        var castle = new ProxyGenerator().CreateClassProxyWithTarget<DbCommand>(rawCommand, new PassThrough());

        var floor = BytesPerCall(() => castle.ExecuteScalar());
        var ours = BytesPerCall(() => tracedCommand.ExecuteScalar());

        Assert.Equal(floor, ours);
    }

    [Fact]
    public void MeasuredOnlyPreparedSelect_AllocatesExactlyTheCastleFloor()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var traced = container.OpenConnection();
        using var raw = new SqliteConnection(TestContainers.InMemory);
        raw.Open();
        var tracedCommand = PointSelect(traced);
        var rawCommand = PointSelect(raw);
        var castle = new ProxyGenerator().CreateClassProxyWithTarget<DbCommand>(rawCommand, new PassThrough());
        var measured = 0L;
        using var meters = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SqlTracing.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>((_, _, _, _) => measured++);
        meters.Start();

        var floor = BytesPerCall(() => castle.ExecuteScalar());
        var ours = BytesPerCall(() => tracedCommand.ExecuteScalar());

        Assert.Equal(floor, ours);
        Assert.True(measured >= Runs, $"{measured} measurements");
    }

    [Fact]
    public void RepeatedStatementCounting_ShapeAlreadySeen_AllocatesNothingMore()
    {
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == SqlTracing.ActivitySourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        using var parent = new System.Diagnostics.Activity("unit of work").Start();
        System.Diagnostics.Activity.Current = null;

        long TracedBytes(int threshold)
        {
            using var container = TestContainers.Sqlite(o =>
            {
                o.RepeatedStatementThreshold = threshold;
                o.RecordMetrics = false;
            });
            using var connection = container.OpenConnection();
            connection.SetParentSpan(parent);
            var command = PointSelect(connection);
            return BytesPerCall(() => command.ExecuteScalar());
        }

        var off = TracedBytes(0);
        var counting = TracedBytes(1_000_000);

        Assert.Equal(off, counting);
    }

    [Fact]
    public void ResolvingATracedConnection_AllocatesItsCastleProxyAndOneContextBeyondAPlainRegistration()
    {
        // Externally owned on both sides: a scope's disposer list grows by doubling, which no exact count survives.
        var plainBuilder = new ContainerBuilder();
        plainBuilder.Register(_ => new SqliteConnection(TestContainers.InMemory)).As<DbConnection>().ExternallyOwned();
        var tracedBuilder = new ContainerBuilder();
        tracedBuilder.RegisterTracedDatabase(_ => new SqliteConnection(TestContainers.InMemory)).ExternallyOwned();
        using var plain = plainBuilder.Build();
        using var traced = tracedBuilder.Build();
        var sample = traced.Resolve<DbConnection>();
        var proxyBytes = BytesPerCall(() => RuntimeHelpers.GetUninitializedObject(sample.GetType()));
        var interceptorArrayBytes = BytesPerCall(() => _ = new IInterceptor[1]);
        var contextBytes = BytesPerCall(() => RuntimeHelpers.GetUninitializedObject(((IProxyTargetAccessor)sample).GetInterceptors()[0].GetType()));

        var plainBytes = BytesPerCall(() => plain.Resolve<DbConnection>());
        var tracedBytes = BytesPerCall(() => traced.Resolve<DbConnection>());

        Assert.Equal(proxyBytes + interceptorArrayBytes + contextBytes, tracedBytes - plainBytes);
    }

    [Fact]
    public void ResolvingASharedConnectionAgain_AllocatesNothingBeyondAnyServiceMiddleware()
    {
        // The floor is a plain registration behind a pass-through service middleware at the phase ours runs in:
        // Autofac allocates for any service middleware on a shared instance's path (152 B with Autofac 9).
        var plainBuilder = new ContainerBuilder();
        plainBuilder.Register(_ => new SqliteConnection(TestContainers.InMemory)).As<DbConnection>().InstancePerLifetimeScope();
        plainBuilder.RegisterServiceMiddleware<DbConnection>(PipelinePhase.ResolveRequestStart, (context, next) => next(context));
        var tracedBuilder = new ContainerBuilder();
        tracedBuilder.RegisterTracedDatabase(_ => new SqliteConnection(TestContainers.InMemory)).InstancePerLifetimeScope();
        using var plain = plainBuilder.Build();
        using var traced = tracedBuilder.Build();
        using var plainScope = plain.BeginLifetimeScope();
        using var tracedScope = traced.BeginLifetimeScope();
        var first = tracedScope.Resolve<DbConnection>();

        var plainBytes = BytesPerCall(() => plainScope.Resolve<DbConnection>());
        var tracedBytes = BytesPerCall(() => Assert.Same(first, tracedScope.Resolve<DbConnection>()));

        Assert.Equal(plainBytes, tracedBytes);
    }

    private static DbCommand PointSelect(DbConnection connection)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TEMP TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('Ada')";
            create.ExecuteNonQuery();
        }

        var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM users WHERE id = @id";
        var id = command.CreateParameter();
        id.ParameterName = "id";
        id.Value = 1;
        command.Parameters.Add(id);
        command.Prepare();
        return command;
    }

    private static long BytesPerCall(Action call)
    {
        for (var i = 0; i < 200; i++)
        {
            call();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Runs; i++)
        {
            call();
        }

        return (long)Math.Round((GC.GetAllocatedBytesForCurrentThread() - before) / (double)Runs);
    }

    private sealed class PassThrough : IInterceptor
    {
        public void Intercept(IInvocation invocation) => invocation.Proceed();
    }
}
