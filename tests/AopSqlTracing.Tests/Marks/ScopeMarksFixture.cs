using System.Diagnostics;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Marks;

/// <summary>Marks on lifetime scopes cost nothing once cleared, however often they are set.</summary>
[Collection(RunsAloneGroup.Name)]
public sealed class ScopeMarksFixture : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public void SetAndClear_AMillionTimesOnOneScope_KeepsNothing()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        var parent = _recorder.StartParent();
        Churn(container, 1_000);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        Churn(container, 1_000_000);

        var growth = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.True(growth < 4 * 1024 * 1024, $"A million marks set and cleared on one scope kept {growth:N0} bytes.");

        // The scope still works as a unit of work afterwards, and its end still drops its mark.
        using var scope = container.BeginLifetimeScope();
        scope.SetParentSpan(parent);
        using (var connection = scope.OpenConnection())
        {
            connection.Execute("SELECT 1");
        }

        Assert.Equal(parent.SpanId, Assert.Single(_recorder.Spans).ParentSpanId);
        parent.Stop();

        void Churn(ILifetimeScope target, int times)
        {
            for (var i = 0; i < times; i++)
            {
                target.SetParentSpan(parent);
                target.ClearTraced();
            }
        }
    }

    [Fact]
    public void Mark_CommitClearsItAndANewMarkWorks_AfterManyJobs()
    {
        using var container = TestContainers.Sqlite(o => o.TraceAllCommands = false);
        for (var job = 0; job < 3; job++)
        {
            var jobSpan = _recorder.StartParent($"job {job}");
            container.SetParentSpan(jobSpan);
            using var scope = container.BeginLifetimeScope();
            using var connection = scope.OpenConnection();
            using var transaction = connection.BeginTransaction();
            connection.Execute("SELECT 1", transaction);
            transaction.Commit();
            connection.Execute("SELECT 2");
            jobSpan.Stop();

            Assert.False(container.GetTraced());
            Assert.Equal(jobSpan.SpanId, Assert.Single(_recorder.Spans).ParentSpanId);
            _recorder.Clear();
        }
    }
}
