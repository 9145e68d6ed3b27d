using System.Diagnostics;
using AopSqlTracing.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Proxies;

/// <summary>Which span a command's span is a child of: command mark, connection mark, Activity.Current, new root.</summary>
public sealed class ParentSelectionFixture : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public void CommandMark_WinsOverConnectionMark()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        using var connectionParent = _recorder.StartParent("connection parent");
        using var commandParent = _recorder.StartParent("command parent");
        connection.SetParentSpan(connectionParent);
        using var command = connection.Command("SELECT 1");

        command.SetParentSpan(commandParent);
        command.ExecuteScalar();
        command.ExecuteScalar();

        var spans = _recorder.Spans;
        Assert.Equal(commandParent.SpanId, spans[0].ParentSpanId);
        Assert.Equal(connectionParent.SpanId, spans[1].ParentSpanId);
    }

    [Fact]
    public void ConnectionMark_WinsOverActivityCurrent()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        using var parent = _recorder.StartParent();

        connection.SetParentSpan(parent);
        connection.Execute("SELECT 1");

        Assert.Equal(parent.SpanId, Assert.Single(_recorder.Spans).ParentSpanId);
    }

    [Fact]
    public void MarkWithoutParent_FallsBackToTheNextParent()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var connection = container.OpenConnection();
        using var parent = _recorder.StartParent();
        connection.SetParentSpan(parent);
        using var command = connection.Command("SELECT 1");

        command.SetTraced();
        command.ExecuteScalar();

        Assert.Equal(parent.SpanId, Assert.Single(_recorder.Spans).ParentSpanId);
    }

    [Fact]
    public void NoMark_UsesActivityCurrent()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();

        connection.Execute("SELECT 1");

        Assert.Equal(_recorder.Root.SpanId, Assert.Single(_recorder.Spans).ParentSpanId);
    }

    [Fact]
    public void NoMarkAndNoCurrent_IsANewRoot()
    {
        var marker = Guid.NewGuid().ToString("N");
        using var rootRecorder = new SpanRecorder(activity => (activity.GetTagItem("db.query.text") as string)?.Contains(marker, StringComparison.Ordinal) == true);
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();

        Activity.Current = null;
        connection.Execute($"SELECT 1 AS m_{marker}");

        var span = Assert.Single(rootRecorder.Spans);
        Assert.Null(span.Parent);
        Assert.Equal(default, span.ParentSpanId);
    }

    [Fact]
    public void RemoteParent_ActivityContext_IsTheParent()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        var remote = new ActivityContext(_recorder.Root.TraceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        using var command = connection.Command("SELECT 1");

        command.SetParentSpan(remote);
        command.ExecuteScalar();

        Assert.Equal(remote.SpanId, Assert.Single(_recorder.Spans).ParentSpanId);
    }

    [Fact]
    public void CommandMark_IsUsedUpByItsExecution_EvenWhenItFails()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var connection = container.OpenConnection();
        using var failing = connection.Command("SELECT * FROM missing");
        using var succeeding = connection.Command("SELECT 1");

        failing.SetTraced();
        succeeding.SetTraced();
        Assert.Throws<SqliteException>(() => failing.ExecuteScalar());
        succeeding.ExecuteScalar();
        Assert.Throws<SqliteException>(() => failing.ExecuteScalar());
        succeeding.ExecuteScalar();

        Assert.False(failing.GetTraced());
        Assert.False(succeeding.GetTraced());
        Assert.Equal(2, _recorder.Spans.Count);
    }

    [Fact]
    public void ExecutionWithMarkedParent_LeavesActivityCurrentUnchanged()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        using var parent = _recorder.StartParent();
        connection.SetParentSpan(parent);
        var before = Activity.Current;

        connection.Execute("SELECT 1");
        using (var reader = connection.Command("SELECT 1").ExecuteReader())
        {
            Assert.Same(before, Activity.Current);
        }

        Assert.Same(before, Activity.Current);
        Assert.Same(_recorder.Root, Activity.Current);
    }

    [Fact]
    public void MarkThroughUnwrappedObjects_IsTheSameMark()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        using var connection = container.OpenConnection();
        using var parent = _recorder.StartParent();

        connection.Unwrap().SetParentSpan(parent);
        using var command = connection.Command("SELECT 1");

        Assert.True(connection.HasParentSpan());
        command.Unwrap().SetTraced();
        Assert.True(command.GetTraced());
        command.ExecuteScalar();

        Assert.Equal(parent.SpanId, Assert.Single(_recorder.Spans).ParentSpanId);
    }
}
