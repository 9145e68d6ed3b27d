using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Execution;

/// <summary>
/// A <c>[Traced]</c> repository call follows the privacy options of the container's traced databases: the safe
/// choice wins when they differ, and its policy is told the options it runs under.
/// </summary>
public abstract class RepositoryOptionsSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableFact]
    public void FailingCall_RecordExceptionOff_NoMessageNoEventOnEitherSpan()
    {
        using var scope = Repositories(o => o.RecordException = false).BeginLifetimeScope();

        var thrown = Assert.ThrowsAny<DbException>(() => scope.Resolve<IFailingRepository>().Fail());

        var call = Assert.Single(Recorder.CallSpans);
        var sql = Assert.Single(Recorder.Spans);
        foreach (var span in new[] { call, sql })
        {
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Null(span.StatusDescription);
            Assert.DoesNotContain(span.Events, e => e.Name == "exception");
            Assert.Equal(thrown.GetType().FullName, span.GetTagItem("error.type"));
        }
    }

    [SkippableFact]
    public void FailingCall_RecordExceptionOn_CallSpanRecordsTheMessage()
    {
        using var scope = Repositories().BeginLifetimeScope();

        var thrown = Assert.ThrowsAny<DbException>(() => scope.Resolve<IFailingRepository>().Fail());

        var call = Assert.Single(Recorder.CallSpans);
        Assert.Equal(thrown.Message, call.StatusDescription);
        Assert.Contains(call.Events, e => e.Name == "exception");
    }

    [SkippableFact]
    public void FailingCall_OneOfTwoDatabasesRecordsNoException_CallSpanRecordsNoMessage()
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection()).InstancePerLifetimeScope();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection(), o => o.RecordException = false).Keyed<DbConnection>("audit");
        builder.RegisterType<FailingRepository>().As<IFailingRepository>().InstancePerLifetimeScope();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();

        Assert.ThrowsAny<DbException>(() => scope.Resolve<IFailingRepository>().Fail());

        var call = Assert.Single(Recorder.CallSpans);
        Assert.Null(call.StatusDescription);
        Assert.DoesNotContain(call.Events, e => e.Name == "exception");
    }

    [SkippableFact]
    public void FailingCall_EnrichWithException_IsCalledForTheCallSpanToo()
    {
        var enriched = new List<string>();
        using var scope = Repositories(o => o.EnrichWithException = (span, _) => enriched.Add(span.DisplayName)).BeginLifetimeScope();

        Assert.ThrowsAny<DbException>(() => scope.Resolve<IFailingRepository>().Fail());

        Assert.Equal(["SELECT no_such_table_here", "IFailingRepository.Fail"], enriched);
    }

    [SkippableFact]
    public void Call_TraceAllCommandsOff_PolicyIsToldSo()
    {
        RequireProvider();
        var seen = new List<(SqlExecutionKind Kind, bool TraceAll)>();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection(), o => o.TraceAllCommands = false).InstancePerLifetimeScope();
        builder.RegisterType<FailingRepository>().As<IFailingRepository>().InstancePerLifetimeScope();
        builder.RegisterInstance(new RecordingPolicy(seen)).As<IParentSpanPolicy>();
        var container = builder.Build();
        Track(container);
        using var scope = container.BeginLifetimeScope();

        Assert.Equal(1L, scope.Resolve<IFailingRepository>().One());

        Assert.Equal([(SqlExecutionKind.RepositoryCall, false), (SqlExecutionKind.Command, false)], seen);
        Assert.Single(Recorder.CallSpans);
        Assert.Single(Recorder.Spans);
    }

    private IContainer Repositories(Action<SqlTracingOptions>? configure = null)
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection(), configure).InstancePerLifetimeScope();
        builder.RegisterType<FailingRepository>().As<IFailingRepository>().InstancePerLifetimeScope();
        var container = builder.Build();
        Track(container);
        return container;
    }

    private sealed class RecordingPolicy(List<(SqlExecutionKind Kind, bool TraceAll)> seen) : IParentSpanPolicy
    {
        public ParentSpanDecision Decide(in SqlExecution execution)
        {
            seen.Add((execution.Kind, execution.Options.TraceAllCommands));
            return DefaultParentSpanPolicy.Instance.Decide(execution);
        }
    }
}

/// <summary>A repository whose one method fails on the server.</summary>
[Traced]
public interface IFailingRepository
{
    void Fail();

    long One();
}

public sealed class FailingRepository(DbConnection connection) : IFailingRepository
{
    public void Fail()
    {
        connection.Open();
        connection.Execute("SELECT * FROM no_such_table_here");
    }

    public long One()
    {
        connection.Open();
        using var command = connection.Command("SELECT 1");
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class SqliteRepositoryOptions : RepositoryOptionsSuite<SqliteProvider>;

public sealed class PostgresRepositoryOptions : RepositoryOptionsSuite<PostgresProvider>;

public sealed class MariaDbRepositoryOptions : RepositoryOptionsSuite<MariaDbProvider>;
