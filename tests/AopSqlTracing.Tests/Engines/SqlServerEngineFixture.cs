using System.Data.Common;
using System.Diagnostics;
using System.Reflection;
using AopSqlTracing.Engines;
using AopSqlTracing.Statements;
using AopSqlTracing.Tests.Support;
using Autofac;
using Microsoft.Data.SqlClient;

namespace AopSqlTracing.Tests.Engines;

/// <summary>
/// SQL Server without a server: connections and commands made through a traced registration, never opened. What
/// this proves is the library's side (the engine told from the connection type, the span's name, text, namespace
/// and endpoint read by SQL Server's rules, the error number read from a <see cref="SqlException"/>); what a server
/// would answer is not run here.
/// </summary>
public sealed class SqlServerEngineFixture : IDisposable
{
    private const string ConnectionString = "Server=tcp:db.example.com,14330;Database=shop;User ID=app;Password=pw;Encrypt=false";

    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Theory]
    [InlineData(typeof(SqlConnection))]
    [InlineData(typeof(System.Data.SqlClient.SqlConnection))]
    public void Of_SqlClientConnectionTypes_AreSqlServer(Type connectionType)
    {
        var engine = DbEngines.Of(connectionType);

        Assert.Equal(("microsoft.sql_server", SqlDialect.SqlServer), (engine.SystemName, engine.Dialect));
    }

    [Theory]
    [InlineData("Server=tcp:db.example.com,14330;Database=shop", "db.example.com", 14330)]
    [InlineData("Data Source=db.example.com,1433;Initial Catalog=shop", "db.example.com", 1433)]
    [InlineData("Server=db.example.com\\SQLEXPRESS;Database=shop", "db.example.com", null)]
    [InlineData("Server=np:db.example.com;Database=shop", "db.example.com", null)]
    [InlineData("Server=tcp:10.1.2.3\\inst,4000", "10.1.2.3", 4000)]
    public void ConnectionFacts_SqlServerDataSource_GivesHostAndPort(string connectionString, string address, int? port)
    {
        using var connection = new SqlConnection(connectionString);

        var facts = ConnectionFacts.Of(connection);

        Assert.Equal(DbEngine.SqlServer, facts.Engine);
        Assert.Equal((address, port), (facts.Server.Address, facts.Server.Port));
    }

    // SqlClient refuses to run a command on a closed connection before it sends anything: the span of that attempt
    // shows everything the library tells of a SQL Server command, with no server to answer.
    [Fact]
    public void TracedCommand_OnSqlServer_IsNamedAndSanitisedBySqlServersRules()
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqlConnection(ConnectionString)).InstancePerLifetimeScope();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();
        var connection = scope.Resolve<DbConnection>();
        using var command = connection.Command("SELECT [it's], [a]]b] FROM [dbo].[users] (NOLOCK) WHERE p = N'hunter2' AND m > $12.50 AND id = @id");

        Assert.IsType<SqlConnection>(connection.Unwrap());
        Assert.Throws<InvalidOperationException>(() => command.ExecuteNonQuery());

        var span = Assert.Single(_recorder.Spans);
        Assert.Equal("SELECT dbo.users", span.DisplayName);
        Assert.Equal("microsoft.sql_server", span.GetTagItem("db.system.name"));
        Assert.Equal("SELECT [it's], [a]]b] FROM [dbo].[users] (NOLOCK) WHERE p = ? AND m > ? AND id = @id", span.GetTagItem("db.query.text"));
        Assert.Equal(("SELECT", "dbo.users"), (span.GetTagItem("db.operation.name"), span.GetTagItem("db.collection.name")));
        Assert.Equal("shop", span.GetTagItem("db.namespace"));
        Assert.Equal(("db.example.com", 14330), (span.GetTagItem("server.address"), span.GetTagItem("server.port")));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }

    [Fact]
    public void TracedStoredProcedure_OnSqlServer_IsSummarisedAsExecute()
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqlConnection(ConnectionString), o => o.SpanNaming = SqlSpanNaming.QuerySummary);
        using var container = builder.Build();
        var connection = container.Resolve<DbConnection>();
        using var command = connection.Command("dbo.restock");
        command.CommandType = System.Data.CommandType.StoredProcedure;

        Assert.Throws<InvalidOperationException>(() => command.ExecuteNonQuery());

        var span = Assert.Single(_recorder.Spans);
        Assert.Equal("EXECUTE dbo.restock", span.DisplayName);
        Assert.Equal(("EXECUTE", "dbo.restock"), (span.GetTagItem("db.operation.name"), span.GetTagItem("db.stored_procedure.name")));
    }

    // SqlException has no public constructor: the one SqlClient builds from a server's error is made here by
    // reflection over SqlClient's internals, so this test pins the library to the real exception type and its Number.
    [Fact]
    public void StatusCodeOf_SqlException_IsTheServersErrorNumber()
    {
        var exception = SqlExceptionNumbered(2627);

        Assert.Equal(2627, exception.Number);
        Assert.Equal("2627", DbEngine.SqlServer.StatusCodeOf(exception));
    }

    private static SqlException SqlExceptionNumbered(int number)
    {
        const BindingFlags Internal = BindingFlags.NonPublic | BindingFlags.Instance;
        var errorConstructor = typeof(SqlError).GetConstructors(Internal)
            .Where(c => c.GetParameters() is [{ ParameterType: var first }, ..] && first == typeof(int))
            .OrderByDescending(c => c.GetParameters().Length)
            .First();
        var error = (SqlError)errorConstructor.Invoke([.. errorConstructor.GetParameters().Select(p => ArgumentFor(p.ParameterType, number))]);
        var errors = (SqlErrorCollection)Activator.CreateInstance(typeof(SqlErrorCollection), nonPublic: true)!;
        typeof(SqlErrorCollection).GetMethod("Add", Internal)!.Invoke(errors, [error]);
        var create = typeof(SqlException).GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .First(m => m.Name == "CreateException" && m.GetParameters().Select(p => p.ParameterType).SequenceEqual([typeof(SqlErrorCollection), typeof(string)]));
        return (SqlException)create.Invoke(null, [errors, "16.0"])!;
    }

    private static object? ArgumentFor(Type type, int number)
        => type == typeof(int) ? number
            : type == typeof(byte) ? (byte)16
            : type == typeof(uint) ? 0u
            : type == typeof(string) ? "x"
            : null;
}
