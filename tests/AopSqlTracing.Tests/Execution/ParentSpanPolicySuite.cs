using System.Data.Common;
using System.Diagnostics.Tracing;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Execution;

/// <summary>The container-resolved <see cref="IParentSpanPolicy"/> that every execution asks: what it sees, and what its answer does.</summary>
public abstract class ParentSpanPolicySuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void UserPolicy_ReplacesTheDefault_WhetherRegisteredBeforeOrAfter(bool registerFirst)
    {
        RequireProvider();
        var builder = new ContainerBuilder();
        if (registerFirst)
        {
            builder.RegisterType<NoHealthChecksPolicy>().As<IParentSpanPolicy>().SingleInstance();
        }

        builder.RegisterTracedDatabase(_ => Provider.CreateConnection()).InstancePerLifetimeScope();
        if (!registerFirst)
        {
            builder.RegisterType<NoHealthChecksPolicy>().As<IParentSpanPolicy>().SingleInstance();
        }

        var container = Build(builder);
        using var scope = container.BeginLifetimeScope();
        var connection = scope.OpenConnection();

        connection.Execute("SELECT 1 /* health check */");
        connection.Execute("SELECT 2");

        Assert.IsType<NoHealthChecksPolicy>(container.Resolve<IParentSpanPolicy>());
        Assert.Equal("SELECT ?", Assert.Single(Recorder.Spans).GetTagItem("db.query.text"));
    }

    [SkippableFact]
    public void Policy_SeesWhatRunsWhereAndTheMarksFound()
    {
        RequireProvider();
        var policy = new RecordingPolicy();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection(), o => o.TraceAllCommands = false).InstancePerLifetimeScope();
        builder.RegisterInstance(policy).As<IParentSpanPolicy>();
        using var scope = Build(builder).BeginLifetimeScope();
        using var parent = Recorder.StartParent();
        scope.SetParentSpan(parent);
        var connection = scope.OpenConnection();
        connection.SetTraced();
        using var command = connection.Command("SELECT 1");

        command.ExecuteScalar();

        var execution = Assert.Single(policy.Seen);
        Assert.Equal(SqlExecutionKind.Command, execution.Kind);
        Assert.Same(command.Unwrap(), execution.Command);
        Assert.Same(connection.Unwrap(), execution.Connection);
        Assert.Same(scope, execution.Scope);
        Assert.Equal("SELECT 1", execution.CommandText);
        Assert.False(execution.CommandMark.IsMarked);
        Assert.Equal(new SqlTraceMark(true, null), execution.ConnectionMark);
        Assert.Equal(new SqlTraceMark(true, parent.Context), execution.ScopeMark);
        Assert.False(execution.Options.TraceAllCommands);
        Assert.Equal(parent.SpanId, Assert.Single(Recorder.Spans).ParentSpanId);
    }

    [SkippableFact]
    public void ThrowingPolicy_LeavesTheCommandUntracedAndUnchanged_AndIsReported()
    {
        RequireProvider();
        var marker = Guid.NewGuid().ToString("N");
        using var events = new TracingFailures();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => Provider.CreateConnection()).InstancePerLifetimeScope();
        builder.RegisterInstance(new ThrowingPolicy(marker)).As<IParentSpanPolicy>();
        using var scope = Build(builder).BeginLifetimeScope();
        var connection = scope.OpenConnection();

        using var command = connection.Command("SELECT 41 + 1");
        var result = command.ExecuteScalar();
        var error = Assert.ThrowsAny<DbException>(() => connection.Execute("SELECT * FROM missing"));

        Assert.Equal(42L, Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(Provider.MissingTableMessage("missing"), error.Message, StringComparison.Ordinal);
        Assert.Empty(Recorder.StartedSpans);
        Assert.Contains(events.Messages, message => message.Contains(marker, StringComparison.Ordinal));
    }

    private IContainer Build(ContainerBuilder builder)
    {
        var container = builder.Build();
        Track(container);
        return container;
    }

    private sealed class NoHealthChecksPolicy : IParentSpanPolicy
    {
        public ParentSpanDecision Decide(in SqlExecution execution)
            => execution.CommandText?.Contains("health check", StringComparison.Ordinal) == true
                ? ParentSpanDecision.NotTraced
                : DefaultParentSpanPolicy.Instance.Decide(execution);
    }

    private sealed class RecordingPolicy : IParentSpanPolicy
    {
        public List<SqlExecution> Seen { get; } = [];

        public ParentSpanDecision Decide(in SqlExecution execution)
        {
            Seen.Add(execution);
            return DefaultParentSpanPolicy.Instance.Decide(execution);
        }
    }

    private sealed class ThrowingPolicy(string marker) : IParentSpanPolicy
    {
        public ParentSpanDecision Decide(in SqlExecution execution) => throw new InvalidOperationException($"policy failure {marker}");
    }

    /// <summary>Listens to the library's EventSource for tracing failures.</summary>
    private sealed class TracingFailures : EventListener
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "AopSqlTracing")
            {
                EnableEvents(eventSource, EventLevel.Warning);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            lock (_messages)
            {
                _messages.Add(string.Join(" | ", eventData.Payload ?? []));
            }
        }
    }
}

public sealed class SqliteParentSpanPolicies : ParentSpanPolicySuite<SqliteProvider>;

public sealed class PostgresParentSpanPolicies : ParentSpanPolicySuite<PostgresProvider>;

public sealed class MariaDbParentSpanPolicies : ParentSpanPolicySuite<MariaDbProvider>;
