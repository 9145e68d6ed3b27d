using System.Runtime.CompilerServices;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Marks;

/// <summary>Marks live beside objects: they keep neither the object nor its parent span alive.</summary>
public sealed class LeakFixture
{
    [Fact]
    public void MarkedCommandsAndConnections_AreCollectedWhenDropped()
    {
        using var recorder = new SpanRecorder();
        using var container = TestContainers.Sqlite();

        var references = MarkAndDrop(container, recorder);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.All(references, reference => Assert.False(reference.IsAlive));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] MarkAndDrop(IContainer container, SpanRecorder recorder)
    {
        var parent = recorder.StartParent();
        var references = new List<WeakReference> { new(parent) };
        for (var i = 0; i < 10; i++)
        {
            var scope = container.BeginLifetimeScope();
            var connection = scope.OpenConnection();
            var command = connection.Command("SELECT 1");
            connection.SetParentSpan(parent);
            command.SetParentSpan(parent);
            command.ExecuteScalar();
            command.SetTraced();
            references.Add(new WeakReference(command));
            references.Add(new WeakReference(command.Unwrap()));
            references.Add(new WeakReference(connection));
            references.Add(new WeakReference(connection.Unwrap()));
            scope.Dispose();
        }

        parent.Stop();
        return [.. references];
    }
}
