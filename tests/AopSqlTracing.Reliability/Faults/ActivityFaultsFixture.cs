using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Reliability.Support;
using Autofac;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace AopSqlTracing.Reliability.Faults;

/// <summary>
/// Activities the library does not own misbehave: a parent stopped before its children run, and user code that
/// changes <see cref="Activity.Current"/> while a traced call is under way. Results stay those of the untraced run,
/// and the caller's current activity is whatever the caller's own code made it, as without tracing.
/// </summary>
public sealed class ActivityFaultsFixture(ITestOutputHelper output) : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public async Task StoppedParent_OnScope_SpansUnderItAndSameOutcomesAsUntraced()
    {
        var expected = await Runs.UntracedAsync();
        var parent = _recorder.StartParent("stopped parent");
        parent.Stop();
        using var container = Runs.Container();

        var actual = await Runs.TracedAsync(container, (scope, _) => scope.SetParentSpan(parent));

        // The scope's mark holds until the first commit (the workload's fifth statement), then Activity.Current applies.
        var underParent = _recorder.Spans.Count(span => span.ParentSpanId == parent.SpanId);
        output.Print($"parent stopped before use: {actual.Count} commands, outcomes equal to untraced: {expected.SequenceEqual(actual)}, "
            + $"{underParent} spans under the stopped parent, {_recorder.Spans.Count} spans in all, {_recorder.Unfinished.Count} left open");
        Assert.Equal(expected, actual);
        Assert.Equal(5, underParent);
        Assert.Equal(FaultWorkload.Commands, _recorder.Spans.Count);
        Assert.Empty(_recorder.Unfinished);
    }

    [Fact]
    public void StoppedParent_OnConnectionAndCommand_SpansUnderIt()
    {
        var parent = _recorder.StartParent("stopped parent");
        parent.Stop();
        using var container = Runs.Container(o => o.TraceAllCommands = false);
        using var scope = container.BeginLifetimeScope();
        var connection = scope.Resolve<DbConnection>();
        connection.Open();
        connection.SetParentSpan(parent);
        using var first = connection.CreateCommand();
        first.CommandText = "SELECT 1";
        var viaConnection = first.ExecuteScalar();
        connection.ClearTraced();
        using var second = connection.CreateCommand();
        second.CommandText = "SELECT 2";
        second.SetParentSpan(parent.Context);
        var viaCommand = second.ExecuteScalar();

        Assert.Equal(1L, viaConnection);
        Assert.Equal(2L, viaCommand);
        Assert.Equal(2, _recorder.Spans.Count);
        Assert.All(_recorder.Spans, span => Assert.Equal(parent.SpanId, span.ParentSpanId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UserChangesCurrent_WhileReaderOpen_CurrentIsTheUsersAfterReaderCloses(bool async)
    {
        await using var raw = new SqliteConnection(Runs.InMemory);
        raw.Open();
        var untraced = await ReadWhileUserWorks(raw, async);
        using var container = Runs.Container();
        await using var scope = container.BeginLifetimeScope();
        var connection = scope.Resolve<DbConnection>();
        connection.Open();

        var traced = await ReadWhileUserWorks(connection, async);

        output.Print($"Activity.Current changed while a reader is open ({(async ? "async" : "sync")}): after the reader closes it is "
            + $"«{untraced}» untraced, «{traced}» traced");
        Assert.Equal("user work", untraced);
        Assert.Equal(untraced, traced);
        Assert.Single(_recorder.Spans);
    }

    [Fact]
    public void UserChangesCurrent_InsideTracedRepositoryCall_CurrentIsTheUsersAfterTheCall()
    {
        using var raw = new SqliteConnection(Runs.InMemory);
        var previous = Activity.Current;
        var untracedAnswer = new WorkRepository(raw).BeginWork();
        var untraced = Activity.Current?.DisplayName;
        Activity.Current?.Stop();
        Activity.Current = previous;
        using var container = Runs.Container(register: builder => builder.RegisterType<WorkRepository>().As<IWorkRepository>().InstancePerLifetimeScope());
        using var scope = container.BeginLifetimeScope();

        var tracedAnswer = scope.Resolve<IWorkRepository>().BeginWork();
        var traced = Activity.Current?.DisplayName;

        output.Print($"Activity.Current changed inside a [Traced] repository call: after the call it is «{untraced}» untraced, «{traced}» traced");
        Assert.Equal(untracedAnswer, tracedAnswer);
        Assert.Equal("user work", untraced);
        Assert.Equal(untraced, traced);
    }

    // Opens a reader under the test's root, then starts the user's own span (now current) and reads and closes
    // the reader inside it; gives the name of the current activity once the reader is closed.
    private static async Task<string?> ReadWhileUserWorks(DbConnection connection, bool async)
    {
        var root = Activity.Current;
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 UNION ALL SELECT 2";
        var reader = async ? await command.ExecuteReaderAsync() : command.ExecuteReader();
        using var work = TestSpans.Source.StartActivity("user work");
        while (async ? await reader.ReadAsync() : reader.Read())
        {
        }

        if (async)
        {
            await reader.DisposeAsync();
        }
        else
        {
            reader.Dispose();
        }

        var current = Activity.Current?.DisplayName;
        work?.Stop();
        Activity.Current = root;
        return current;
    }
}
