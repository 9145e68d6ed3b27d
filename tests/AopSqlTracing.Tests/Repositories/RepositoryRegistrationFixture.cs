using System.Data.Common;
using AopSqlTracing.Tests.Support;
using Autofac;
using Autofac.Core;

namespace AopSqlTracing.Tests.Repositories;

/// <summary>Which registrations become traced repositories, and what a user who asks for the impossible is told.</summary>
public sealed class RepositoryRegistrationFixture : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public void TracedOnBaseInterface_RegisteredAsDerived_CallsAreSpans()
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new Microsoft.Data.Sqlite.SqliteConnection(TestContainers.InMemory)).InstancePerLifetimeScope();
        builder.RegisterType<Counter>().As<IDerivedCounter>().InstancePerLifetimeScope();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();

        var counter = scope.Resolve<IDerivedCounter>();
        Assert.Equal(1L, counter.One());
        Assert.Equal(2L, counter.Two());

        Assert.Equal(["IBaseCounter.One"], _recorder.CallSpans.Select(span => span.DisplayName));
        Assert.Equal(2, _recorder.Spans.Count);
        Assert.Equal(_recorder.CallSpans[0].SpanId, _recorder.Spans[0].ParentSpanId);
    }

    [Fact]
    public void TracedMethodOnBaseInterface_RegisteredAsDerived_OnlyThatMethodIsASpan()
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new Microsoft.Data.Sqlite.SqliteConnection(TestContainers.InMemory)).InstancePerLifetimeScope();
        builder.RegisterType<Counter>().As<IDerivedOfMethodBase>().InstancePerLifetimeScope();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();

        var counter = scope.Resolve<IDerivedOfMethodBase>();
        counter.Three();
        counter.Four();

        Assert.Equal(["counters.three"], _recorder.CallSpans.Select(span => span.DisplayName));
    }

    [Fact]
    public void EnableSqlTracing_RegistrationAlsoExposedAsClass_BuildFailsSayingToExposeInterfaces()
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new Microsoft.Data.Sqlite.SqliteConnection(TestContainers.InMemory));
        builder.RegisterType<Counter>().AsSelf().As<IDerivedCounter>().EnableSqlTracing();

        var thrown = Assert.ThrowsAny<Exception>(() => builder.Build());

        var problem = Assert.IsType<InvalidOperationException>(thrown is DependencyResolutionException ? thrown.InnerException : thrown);
        Assert.Contains("Counter", problem.Message, StringComparison.Ordinal);
        Assert.Contains("only as interfaces", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AttributeScan_RegistrationAlsoExposedAsClass_BuildsAndIsLeftUntraced()
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new Microsoft.Data.Sqlite.SqliteConnection(TestContainers.InMemory)).InstancePerLifetimeScope();
        builder.RegisterType<Counter>().AsSelf().As<IDerivedCounter>().InstancePerLifetimeScope();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();

        Assert.Equal(1L, scope.Resolve<IDerivedCounter>().One());

        Assert.Empty(_recorder.CallSpans);
        Assert.Single(_recorder.Spans);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void TracedName_Blank_IsRejectedNamingName(string name)
        => Assert.Equal("Name", Assert.Throws<ArgumentException>(() => new TracedAttribute { Name = name }).ParamName);

    [Traced]
    public interface IBaseCounter
    {
        long One();
    }

    public interface IDerivedCounter : IBaseCounter
    {
        long Two();
    }

    public interface IMethodBase
    {
        [Traced(Name = "counters.three")]
        long Three();
    }

    public interface IDerivedOfMethodBase : IMethodBase
    {
        long Four();
    }

    public sealed class Counter(DbConnection connection) : IDerivedCounter, IDerivedOfMethodBase
    {
        public long One() => Scalar("SELECT 1");

        public long Two() => Scalar("SELECT 2");

        public long Three() => Scalar("SELECT 3");

        public long Four() => Scalar("SELECT 4");

        private long Scalar(string sql)
        {
            if (connection.State != System.Data.ConnectionState.Open)
            {
                connection.Open();
            }

            using var command = connection.Command(sql);
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
