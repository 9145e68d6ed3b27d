using System.Data;
using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Support;
using Autofac;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests;

/// <summary>Bad input gets a clear error; failures inside tracing never change what the database call does.</summary>
public sealed class RobustnessFixture
{
    [Fact]
    public void RegisterTracedDatabase_NullFactory_NamesTheArgument()
    {
        var builder = new ContainerBuilder();

        var error = Assert.Throws<ArgumentNullException>(() => builder.RegisterTracedDatabase(null!));

        Assert.Equal("factory", error.ParamName);
    }

    [Fact]
    public void RegisterTracedDatabase_NullBuilder_NamesTheArgument()
    {
        var error = Assert.Throws<ArgumentNullException>(() => SqlTracingRegistrationExtensions.RegisterTracedDatabase(null!, _ => new SqliteConnection()));

        Assert.Equal("builder", error.ParamName);
    }

    [Fact]
    public void Marks_NullTargets_NameTheArgument()
    {
        Assert.Equal("command", Assert.Throws<ArgumentNullException>(() => ((IDbCommand)null!).SetTraced()).ParamName);
        Assert.Equal("command", Assert.Throws<ArgumentNullException>(() => ((IDbCommand)null!).GetParentSpan()).ParamName);
        Assert.Equal("connection", Assert.Throws<ArgumentNullException>(() => ((IDbConnection)null!).SetTraced()).ParamName);
        Assert.Equal("connection", Assert.Throws<ArgumentNullException>(() => ((IDbConnection)null!).HasParentSpan()).ParamName);
        Assert.Equal("connection", Assert.Throws<ArgumentNullException>(() => ((DbConnection)null!).Unwrap()).ParamName);
    }

    [Fact]
    public void SetParentSpan_NullOrUnstartedOrDefaultParent_NamesTheArgument()
    {
        using var connection = new SqliteConnection(TestContainers.InMemory);
        using var command = connection.CreateCommand();

        Assert.Equal("span", Assert.Throws<ArgumentNullException>(() => command.SetParentSpan((Activity)null!)).ParamName);
        Assert.Equal("span", Assert.Throws<ArgumentException>(() => command.SetParentSpan(new Activity("never started"))).ParamName);
        var error = Assert.Throws<ArgumentException>(() => connection.SetParentSpan(default(ActivityContext)));
        Assert.Equal("parent", error.ParamName);
        Assert.Contains("valid", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    public void ThrowingListener_LeavesResultsAndErrorsUnchanged(bool throwOnSample, bool throwOnStart, bool throwOnStop)
    {
        using var recorder = new SpanRecorder();
        var traceId = recorder.Root.TraceId;
        using var hostile = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SqlTracing.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                throwOnSample && options.Parent.TraceId == traceId ? throw new InvalidOperationException("sample") : ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity => Throw(throwOnStart && activity.TraceId == traceId, "start"),
            ActivityStopped = activity => Throw(throwOnStop && activity.TraceId == traceId, "stop"),
        };
        ActivitySource.AddActivityListener(hostile);
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();

        var created = connection.Execute("CREATE TABLE t (x)");
        var inserted = connection.Execute("INSERT INTO t VALUES (1), (2)");
        using var count = connection.Command("SELECT COUNT(*) FROM t");
        var counted = count.ExecuteScalar();
        using var failing = connection.Command("SELECT * FROM missing");
        var error = Assert.Throws<SqliteException>(() => failing.ExecuteScalar());

        Assert.Equal(0, created);
        Assert.Equal(2, inserted);
        Assert.Equal(2L, counted);
        Assert.Contains("no such table: missing", error.Message, StringComparison.Ordinal);
        Assert.Same(recorder.Root, Activity.Current);
        Assert.All(recorder.StartedSpans, span => Assert.True(span.IsStopped));
    }

    private static void Throw(bool condition, string where)
    {
        if (condition)
        {
            throw new InvalidOperationException(where);
        }
    }
}
