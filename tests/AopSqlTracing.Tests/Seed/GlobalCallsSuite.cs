using System.Data;
using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Seed;

/// <summary>
/// The seed's test_api.py, in .NET form. The seed read its marks back; here each mark is also judged by the span it
/// makes, since a mark that reads back but changes nothing is no mark.
/// </summary>
public abstract class GlobalCallsSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    // The seed's tests name spans by statement kind (select, create_table): the naming the seed had.
    protected override void ConfigureSuite(SqlTracingOptions options) => options.SpanNaming = SqlSpanNaming.StatementKind;

    [SkippableFact]
    public void Init_DefaultsToTracingAllCommands()
    {
        var container = Container();
        var database = container.Resolve<ITracedDatabase>();
        using var connection = container.OpenConnection();

        connection.Execute("SELECT 1");

        Assert.True(database.Options.TraceAllCommands);
        Assert.True(database.IsTracingEnabled);
        Assert.True(new SqlTracingOptions().TraceAllCommands);
        Assert.Equal("select", Assert.Single(Recorder.Spans).DisplayName);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Init_TraceAllCommands_DecidesWhetherAnUnmarkedCommandIsTraced(bool traceAll)
    {
        var container = Container(options => options.TraceAllCommands = traceAll);
        using var connection = container.OpenConnection();

        connection.Execute("SELECT 1");

        Assert.Equal(traceAll, container.Resolve<ITracedDatabase>().Options.TraceAllCommands);
        Assert.Equal(traceAll ? 1 : 0, Recorder.StartedSpans.Count);
    }

    [SkippableFact]
    public void Init_TraceAllDatabases_ProxiesPlainRegistrations()
    {
        RequireProvider();
        var providerType = Provider.CreateConnection().GetType();
        var traced = new ContainerBuilder();
        traced.TraceAllDatabases();
        traced.Register(_ => Provider.CreateConnection()).As<DbConnection>();
        var untraced = new ContainerBuilder();
        untraced.Register(_ => Provider.CreateConnection()).As<DbConnection>();
        var tracedContainer = traced.Build();
        var untracedContainer = untraced.Build();
        Track(tracedContainer);
        Track(untracedContainer);

        var tracedConnection = tracedContainer.OpenConnection();
        var untracedConnection = untracedContainer.OpenConnection();
        tracedConnection.Execute("SELECT 1");
        untracedConnection.Execute("SELECT 2");

        Assert.IsNotType(providerType, tracedConnection);
        Assert.IsType(providerType, tracedConnection.Unwrap());
        Assert.IsType(providerType, untracedConnection);
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(Provider.SystemName, span.GetTagItem("db.system.name"));
    }

    [SkippableFact]
    public void TracedProperty_SetTraced_TracesTheNextExecutionOnly()
    {
        using var connection = Open(o => o.TraceAllCommands = false);
        using var command = connection.Command("SELECT 1");

        command.SetTraced();
        var markedBefore = command.GetTraced();
        command.ExecuteScalar();
        var markedAfter = command.GetTraced();
        command.ExecuteScalar();

        Assert.True(markedBefore);
        Assert.False(markedAfter);
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("select", span.DisplayName);
        Assert.Equal(Recorder.Root.SpanId, span.ParentSpanId);
    }

    [SkippableFact]
    public void HasParent_SetParentSpan_TheNextExecutionIsItsChild_AndTheMarkIsUsedUp()
    {
        using var connection = Open(o => o.TraceAllCommands = false);
        using var command = connection.Command("SELECT 1");
        using var span = Recorder.StartParent();

        command.SetParentSpan(span);
        Assert.True(command.HasParentSpan());
        Assert.True(command.GetTraced());
        command.ExecuteScalar();
        command.ExecuteScalar();

        var child = Assert.Single(Recorder.Spans);
        Assert.Equal(span.SpanId, child.ParentSpanId);
        Assert.Equal(span.TraceId, child.TraceId);
        Assert.False(command.HasParentSpan());
        Assert.Null(command.GetParentSpan());
        Assert.False(command.GetTraced());
    }

    [SkippableFact]
    public void HasParentNone_SetTraced_HasNoParent_SoTheSpanFallsThroughToTheConnectionParent()
    {
        using var connection = Open(o => o.TraceAllCommands = false);
        using var command = connection.Command("SELECT 1");
        using var connectionParent = Recorder.StartParent("connection parent");
        connection.SetParentSpan(connectionParent);

        command.SetTraced();
        Assert.False(command.HasParentSpan());
        Assert.Null(command.GetParentSpan());
        command.ExecuteScalar();

        Assert.Equal(connectionParent.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    // The seed raised RuntimeError here; registering a database that TraceAllDatabases covers anyway is harmless instead.
    [SkippableFact]
    public void RegisterDup_TracedDatabaseUnderTraceAll_IsTracedOnce()
    {
        RequireProvider();
        var providerType = Provider.CreateConnection().GetType();
        var builder = new ContainerBuilder();
        builder.TraceAllDatabases();
        builder.TraceAllDatabases();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection());
        var container = builder.Build();
        Track(container);
        using var connection = container.OpenConnection();

        connection.Execute("SELECT 1");

        Assert.Single(Recorder.Spans);
        Assert.IsType(providerType, connection.Unwrap());
        Assert.IsType(providerType, ((DbConnection)container.Resolve<IDbConnection>()).Unwrap());
    }
}

public sealed class SqliteGlobalCalls : GlobalCallsSuite<SqliteProvider>;

public sealed class PostgresGlobalCalls : GlobalCallsSuite<PostgresProvider>;

public sealed class MariaDbGlobalCalls : GlobalCallsSuite<MariaDbProvider>;
