using System.Data;
using System.Data.Common;
using AopSqlTracing.Engines;
using MySqlConnector;

namespace AopSqlTracing.Tests.Engines;

/// <summary>
/// MySqlConnector speaks to MySQL and MariaDB alike: the type says <c>mysql</c>, an open connection's server version
/// tells which, and a closed connection takes what an open one to the same server showed.
/// </summary>
public sealed class DbEnginesFixture
{
    [Fact]
    public void Of_MySqlConnectorType_IsMySql()
        => Assert.Equal("mysql", DbEngines.Of(typeof(MySqlConnection)).SystemName);

    [Theory]
    [InlineData("10.11.19-MariaDB-0+deb12u1", "mariadb")]
    [InlineData("5.5.5-10.6.18-MariaDB-log", "mariadb")]
    [InlineData("8.0.36", "mysql")]
    [InlineData("8.4.0-commercial", "mysql")]
    public void Of_OpenConnection_IsToldByTheServerVersion(string version, string expected)
    {
        var server = UniqueServer();

        Assert.Equal(expected, DbEngines.Of(new FakeConnection(ConnectionState.Open, version), DbEngine.MySql, server, out var guessed).SystemName);
        Assert.False(guessed);
        Assert.Equal(expected, DbEngines.Of(new FakeConnection(ConnectionState.Closed), DbEngine.MySql, server, out guessed).SystemName);
        Assert.False(guessed);
    }

    [Fact]
    public void Of_ClosedConnectionToAServerNotSeenYet_IsTheTypesGuess()
    {
        Assert.Equal("mysql", DbEngines.Of(new FakeConnection(ConnectionState.Closed), DbEngine.MySql, UniqueServer(), out var guessed).SystemName);
        Assert.True(guessed);
        Assert.Equal("mysql", DbEngines.Of(new FakeConnection(ConnectionState.Closed), DbEngine.MySql, ServerEndpoint.None, out guessed).SystemName);
        Assert.False(guessed);
    }

    [Fact]
    public void Of_OtherProviders_AreTheirTypes()
    {
        Assert.Equal("postgresql", DbEngines.Of(new FakeConnection(ConnectionState.Open, "MariaDB"), DbEngine.PostgreSql, UniqueServer(), out var guessed).SystemName);
        Assert.False(guessed);
    }

    private static ServerEndpoint UniqueServer() => new($"db-{Guid.NewGuid():N}.example", 3306);

    private sealed class FakeConnection(ConnectionState state, string version = "") : DbConnection
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string ConnectionString { get; set; } = string.Empty;

        public override string Database => "db";

        public override string DataSource => "fake";

        public override string ServerVersion => state == ConnectionState.Open ? version : throw new InvalidOperationException("closed");

        public override ConnectionState State => state;

        public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();

        public override void Close()
        {
        }

        public override void Open() => throw new NotSupportedException();

        protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => throw new NotSupportedException();

        protected override DbCommand CreateDbCommand() => throw new NotSupportedException();
    }
}
