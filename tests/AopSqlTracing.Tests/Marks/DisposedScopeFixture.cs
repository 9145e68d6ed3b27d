using System.Diagnostics;
using AopSqlTracing.Tests.Support;
using Autofac;

namespace AopSqlTracing.Tests.Marks;

/// <summary>A scope that has ended cannot be marked, as a disposed container cannot.</summary>
public sealed class DisposedScopeFixture
{
    [Fact]
    public void SetTraced_DisposedScope_ThrowsObjectDisposedAndKeepsNoMark()
    {
        using var container = TestContainers.Sqlite();
        var scope = container.BeginLifetimeScope();
        scope.Dispose();

        Assert.Throws<ObjectDisposedException>(scope.SetTraced);
        Assert.Throws<ObjectDisposedException>(() => scope.SetParentSpan(new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded)));
        Assert.False(scope.GetTraced());
    }

    [Fact]
    public void SetTraced_DisposedContainer_ThrowsObjectDisposed()
    {
        var container = TestContainers.Sqlite();
        container.Dispose();

        Assert.Throws<ObjectDisposedException>(container.SetTraced);
    }
}
