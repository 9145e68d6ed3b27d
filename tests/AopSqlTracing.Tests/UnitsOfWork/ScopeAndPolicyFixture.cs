using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using AopSqlTracing.Tests.Support;
using Autofac;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.UnitsOfWork;

/// <summary>Lifetime-scope marks and the container-resolved parent policy, on SQLite.</summary>
public sealed class ScopeAndPolicyFixture : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public void ScopeMark_AppliesToChildScopes_NearestMarkedScopeWins()
    {
        using var container = Container(traceAll: false);
        using var outer = container.BeginLifetimeScope();
        using var inner = outer.BeginLifetimeScope();
        using var innermost = inner.BeginLifetimeScope();
        using var outerParent = _recorder.StartParent("outer");
        using var innerParent = _recorder.StartParent("inner");

        outer.SetParentSpan(outerParent);
        Run(innermost, "SELECT 1");
        inner.SetParentSpan(innerParent);
        Run(innermost, "SELECT 2");
        Run(outer, "SELECT 3");

        Assert.Equal([outerParent.SpanId, innerParent.SpanId, outerParent.SpanId], _recorder.Spans.Select(s => s.ParentSpanId));
    }

    [Fact]
    public void ScopeMark_AppliesToConnectionsResolvedBeforeIt()
    {
        using var container = Container(traceAll: false);
        using var scope = container.BeginLifetimeScope();
        var connection = scope.OpenConnection();
        connection.Execute("SELECT 1");
        Assert.Empty(_recorder.StartedSpans);

        scope.SetTraced();
        connection.Execute("SELECT 2");

        Assert.Single(_recorder.Spans);
    }

    [Fact]
    public void ContainerMark_AppliesToEveryScope()
    {
        using var container = Container(traceAll: false);
        using var parent = _recorder.StartParent();

        container.SetParentSpan(parent);
        using var scope = container.BeginLifetimeScope();
        Run(scope, "SELECT 1");

        Assert.True(container.HasParentSpan());
        Assert.Equal(parent.SpanId, Assert.Single(_recorder.Spans).ParentSpanId);
        container.ClearTraced();
        Assert.False(container.GetTraced());
    }

    [Fact]
    public void ScopeMarks_AreReadBack()
    {
        using var container = Container(traceAll: false);
        using var scope = container.BeginLifetimeScope();
        using var parent = _recorder.StartParent();

        Assert.False(scope.GetTraced());
        scope.SetTraced();
        Assert.True(scope.GetTraced());
        Assert.False(scope.HasParentSpan());
        scope.SetParentSpan(parent.Context);
        Assert.Equal(parent.Context, scope.GetParentSpan());
        scope.ClearTraced();
        Assert.False(scope.GetTraced());
        Assert.Equal("scope", Assert.Throws<ArgumentNullException>(() => ((ILifetimeScope)null!).SetTraced()).ParamName);
        Assert.Equal("parent", Assert.Throws<ArgumentException>(() => scope.SetParentSpan(default(ActivityContext))).ParamName);
    }

    [Fact]
    public void DisposedScope_DropsItsMark_AndIsCollected()
    {
        using var container = Container(traceAll: false);

        var dropped = MarkAndDispose(container, _recorder);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(dropped.IsAlive);
    }

    [Fact]
    public void SavepointInAMarkedScope_KeepsTheMark_CommitEndsIt()
    {
        using var container = Container(traceAll: false);
        using var scope = container.BeginLifetimeScope();
        var connection = scope.OpenConnection();

        scope.SetTraced();
        using (var transaction = connection.BeginTransaction())
        {
            transaction.Save("s");
            transaction.Rollback("s");
            Assert.True(scope.GetTraced());
            transaction.Commit();
        }

        Assert.False(scope.GetTraced());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void UserPolicy_ReplacesTheDefault_WhetherRegisteredBeforeOrAfter(bool registerFirst)
    {
        var builder = new ContainerBuilder();
        if (registerFirst)
        {
            builder.RegisterType<NoHealthChecksPolicy>().As<IParentSpanPolicy>().SingleInstance();
        }

        builder.RegisterTracedDatabase(_ => new SqliteConnection(TestContainers.InMemory)).InstancePerLifetimeScope();
        if (!registerFirst)
        {
            builder.RegisterType<NoHealthChecksPolicy>().As<IParentSpanPolicy>().SingleInstance();
        }

        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();

        Run(scope, "SELECT 1 /* health check */");
        Run(scope, "SELECT 2");

        Assert.IsType<NoHealthChecksPolicy>(container.Resolve<IParentSpanPolicy>());
        Assert.Equal("SELECT ?", Assert.Single(_recorder.Spans).GetTagItem("db.query.text"));
    }

    [Fact]
    public void Policy_SeesWhatRunsWhereAndTheMarksFound()
    {
        var policy = new RecordingPolicy();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection(TestContainers.InMemory), o => o.TraceAllCommands = false).InstancePerLifetimeScope();
        builder.RegisterInstance(policy).As<IParentSpanPolicy>();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();
        using var parent = _recorder.StartParent();
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
        Assert.Equal(parent.SpanId, Assert.Single(_recorder.Spans).ParentSpanId);
    }

    [Fact]
    public void ThrowingPolicy_LeavesTheCommandUntracedAndUnchanged_AndIsReported()
    {
        var marker = Guid.NewGuid().ToString("N");
        using var events = new TracingFailures();
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection(TestContainers.InMemory)).InstancePerLifetimeScope();
        builder.RegisterInstance(new ThrowingPolicy(marker)).As<IParentSpanPolicy>();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();
        var connection = scope.OpenConnection();

        using var command = connection.Command("SELECT 41 + 1");
        var result = command.ExecuteScalar();
        var error = Assert.Throws<SqliteException>(() => connection.Execute("SELECT * FROM missing"));

        Assert.Equal(42L, result);
        Assert.Contains("no such table", error.Message, StringComparison.Ordinal);
        Assert.Empty(_recorder.StartedSpans);
        Assert.Contains(events.Messages, message => message.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public void RepositoryExposedAsAClass_IsLeftUntraced_AndStillWorks()
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection(TestContainers.InMemory), o => o.TraceAllCommands = false).InstancePerLifetimeScope();
        builder.RegisterType<UserRepository>().AsSelf().As<IUserRepository>().InstancePerLifetimeScope();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();
        UserRepository.CreateSchema(scope.OpenConnection(), "INTEGER PRIMARY KEY");

        var users = scope.Resolve<IUserRepository>();
        users.Add("Ada");

        Assert.IsType<UserRepository>(users);
        Assert.Equal(1, scope.Resolve<UserRepository>().Count());
        Assert.Empty(_recorder.StartedSpans);
    }

    [Fact]
    public void TracedRepository_ThatIsDisposable_IsStillDisposedWithItsScope()
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection(TestContainers.InMemory)).InstancePerLifetimeScope();
        var created = new List<DisposableRepository>();
        builder.Register(_ =>
        {
            var repository = new DisposableRepository();
            created.Add(repository);
            return repository;
        }).As<IDisposableRepository>().InstancePerLifetimeScope();
        using var container = builder.Build();
        using (var scope = container.BeginLifetimeScope())
        {
            var repository = scope.Resolve<IDisposableRepository>();
            repository.Ping();
            Assert.IsNotType<DisposableRepository>(repository);
        }

        Assert.True(Assert.Single(created).Disposed);
        Assert.Equal("IDisposableRepository.Ping", Assert.Single(_recorder.StartedSpans).DisplayName);
    }

    private static IContainer Container(bool traceAll)
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection(TestContainers.InMemory), o => o.TraceAllCommands = traceAll).InstancePerLifetimeScope();
        return builder.Build();
    }

    private static void Run(ILifetimeScope scope, string sql)
    {
        var connection = scope.Resolve<DbConnection>();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            connection.Open();
        }

        connection.Execute(sql);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference MarkAndDispose(IContainer container, SpanRecorder recorder)
    {
        var scope = container.BeginLifetimeScope();
        var parent = recorder.StartParent();
        scope.SetParentSpan(parent);
        Run(scope, "SELECT 1");
        var reference = new WeakReference(scope);
        scope.Dispose();
        Assert.False(scope.GetTraced());
        return reference;
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

[Traced]
public interface IDisposableRepository
{
    void Ping();
}

public sealed class DisposableRepository : IDisposableRepository, IDisposable
{
    public bool Disposed { get; private set; }

    public void Ping()
    {
    }

    public void Dispose() => Disposed = true;
}
