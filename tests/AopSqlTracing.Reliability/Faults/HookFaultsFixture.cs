using AopSqlTracing.Reliability.Support;
using Autofac;
using Xunit.Abstractions;

namespace AopSqlTracing.Reliability.Faults;

/// <summary>
/// User hooks that throw (Filter, Enrich, EnrichWithException, the parent-span policy) leave every result and every
/// exception as without tracing; what they cost is the span (Filter, policy) or nothing (Enrich hooks).
/// </summary>
public sealed class HookFaultsFixture(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Filter", 0)]
    [InlineData("Enrich", FaultWorkload.Commands)]
    [InlineData("EnrichWithException", FaultWorkload.Commands)]
    [InlineData("IParentSpanPolicy", 0)]
    public async Task ThrowingHook_Workload_SameOutcomesAsUntraced(string hook, int spans)
    {
        var expected = await Runs.UntracedAsync();
        using var recorder = new SpanRecorder();
        var calls = 0;
        void Fail() => throw new InvalidOperationException($"{hook} fails ({Interlocked.Increment(ref calls)})");
        var policy = new ThrowingPolicy();
        using var container = Runs.Container(
            options =>
            {
                switch (hook)
                {
                    case "Filter":
                        options.Filter = _ =>
                        {
                            Fail();
                            return true;
                        };
                        break;
                    case "Enrich":
                        options.Enrich = (_, _) => Fail();
                        break;
                    case "EnrichWithException":
                        options.EnrichWithException = (_, _) => Fail();
                        break;
                    default:
                        break;
                }
            },
            builder =>
            {
                if (hook == "IParentSpanPolicy")
                {
                    builder.RegisterInstance(policy).As<IParentSpanPolicy>();
                }
            });

        var actual = await Runs.TracedAsync(container);

        calls += policy.Calls;
        output.Print($"{hook} throwing: {actual.Count} commands, outcomes equal to untraced: {expected.SequenceEqual(actual)} "
            + $"({actual.Count(Outcomes.IsError)} errors in both), hook failed {calls} times, {recorder.Spans.Count} spans finished, "
            + $"{recorder.Unfinished.Count} left open");
        Assert.Equal(expected, actual);
        Assert.True(calls > 0, $"the {hook} hook was never called");
        Assert.Equal(spans, recorder.Spans.Count);
        Assert.Empty(recorder.Unfinished);
    }
}
