using System.Diagnostics;

namespace AopSqlTracing.Tests.Execution;

/// <summary>Users build <see cref="SqlExecution"/> values to unit-test their own policies.</summary>
public sealed class SqlExecutionFixture
{
    private static readonly ActivityContext Parent = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

    [Fact]
    public void DefaultPolicy_UnmarkedCommandWithoutTraceAll_IsNotTraced()
    {
        var execution = new SqlExecution(SqlExecutionKind.Command, new SqlTracingOptions { TraceAllCommands = false });

        Assert.False(DefaultParentSpanPolicy.Instance.Decide(execution).IsTraced);
    }

    [Fact]
    public void DefaultPolicy_ScopeAndConnectionMarked_ConnectionParentWins()
    {
        var scopeParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var execution = new SqlExecution(SqlExecutionKind.Command, new SqlTracingOptions { TraceAllCommands = false })
        {
            ConnectionMark = new SqlTraceMark(true, Parent),
            ScopeMark = new SqlTraceMark(true, scopeParent),
        };

        var decision = DefaultParentSpanPolicy.Instance.Decide(execution);

        Assert.True(decision.IsTraced);
        Assert.Equal(Parent, decision.Parent);
        Assert.True(execution.IsMarked);
    }

    [Fact]
    public void DefaultPolicy_RepositoryCall_IsTracedEvenWithoutTraceAll()
    {
        var execution = new SqlExecution(SqlExecutionKind.RepositoryCall, new SqlTracingOptions { TraceAllCommands = false });

        var decision = DefaultParentSpanPolicy.Instance.Decide(execution);

        Assert.True(decision.IsTraced);
        Assert.Null(decision.Parent);
    }

    [Fact]
    public void DefaultPolicy_DefaultValue_TracesByTheDefaultOptions()
        => Assert.True(DefaultParentSpanPolicy.Instance.Decide(default).IsTraced);

    [Fact]
    public void Constructor_UndefinedKind_ThrowsNamingKind()
    {
        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => new SqlExecution((SqlExecutionKind)7, new SqlTracingOptions()));

        Assert.Equal("kind", thrown.ParamName);
    }

    [Fact]
    public void Constructor_NullOptions_ThrowsNamingOptions()
        => Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new SqlExecution(SqlExecutionKind.Batch, null!)).ParamName);
}
