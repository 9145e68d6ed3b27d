using System.Diagnostics;
using AopSqlTracing.Reliability.Support;
using Xunit.Abstractions;

namespace AopSqlTracing.Reliability.Faults;

/// <summary>
/// An <see cref="ActivityListener"/> that throws (when sampling, on start, on stop) costs spans, never the command:
/// the workload's outcomes are those of the untraced run, and no span is left open.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ListenerFaultsFixture(ITestOutputHelper output)
{
    [Theory]
    [InlineData(nameof(ActivityListener.Sample))]
    [InlineData(nameof(ActivityListener.ActivityStarted))]
    [InlineData(nameof(ActivityListener.ActivityStopped))]
    public async Task ThrowingListener_Workload_SameOutcomesAsUntraced(string where)
    {
        var expected = await Runs.UntracedAsync();
        using var recorder = new SpanRecorder();
        var traceId = recorder.Root.TraceId;
        var throws = 0;
        void ThrowIf(bool condition)
        {
            if (condition)
            {
                Interlocked.Increment(ref throws);
                throw new InvalidOperationException($"listener fails in {where}");
            }
        }

        using var hostile = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SqlTracing.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
            {
                ThrowIf(where == nameof(ActivityListener.Sample) && options.Parent.TraceId == traceId);
                return ActivitySamplingResult.AllDataAndRecorded;
            },
            ActivityStarted = activity => ThrowIf(where == nameof(ActivityListener.ActivityStarted) && activity.TraceId == traceId),
            ActivityStopped = activity => ThrowIf(where == nameof(ActivityListener.ActivityStopped) && activity.TraceId == traceId),
        };
        ActivitySource.AddActivityListener(hostile);
        using var container = Runs.Container();
        var current = Activity.Current;

        var actual = await Runs.TracedAsync(container);

        output.Print($"listener throwing in {where}: {actual.Count} commands, outcomes equal to untraced: {expected.SequenceEqual(actual)} "
            + $"({actual.Count(Outcomes.IsError)} errors in both), {throws} listener exceptions absorbed, "
            + $"{recorder.Spans.Count} spans finished, {recorder.Unfinished.Count} left open");
        Assert.Equal(expected, actual);
        Assert.Equal(FaultWorkload.Commands, actual.Count);
        Assert.True(throws > 0, "the hostile listener was never called");
        Assert.Same(current, Activity.Current);
        Assert.Empty(recorder.Unfinished);
        Assert.Empty(recorder.StoppedTwice);
    }
}
