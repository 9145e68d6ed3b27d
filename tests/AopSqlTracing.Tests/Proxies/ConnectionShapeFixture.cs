using System.Data;
using System.Data.Common;
using AopSqlTracing.Tests.Support;
using Autofac;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Proxies;

/// <summary>The traced connection stays a DbConnection, and the provider never sees our proxies.</summary>
public sealed class ConnectionShapeFixture : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public void ResolvedConnection_IsADbConnectionAndAnIDbConnection_OverTheProvider()
    {
        using var container = TestContainers.Sqlite();

        var connection = container.Resolve<DbConnection>();
        var asInterface = container.Resolve<IDbConnection>();

        Assert.IsNotType<SqliteConnection>(connection);
        Assert.IsType<SqliteConnection>(connection.Unwrap());
        Assert.Same(connection, asInterface);
        Assert.Equal(TestContainers.InMemory, connection.ConnectionString);
        Assert.Equal(ConnectionState.Closed, connection.State);
        connection.Open();
        Assert.Equal(ConnectionState.Open, connection.State);
        Assert.Equal(ConnectionState.Open, connection.Unwrap().State);
        Assert.Equal("main", connection.Database);
    }

    [Fact]
    public void CommandConnection_IsTheProvidersConnection_SoClientsSeeTheProviderType()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        using var command = connection.CreateCommand();

        Assert.Same(connection.Unwrap(), command.Connection);
        Assert.IsType<SqliteConnection>(((IDbCommand)command).Connection);
    }

    [Fact]
    public void AssigningOurProxies_ToOurCommand_ReachesTheProviderUnwrapped()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        connection.Execute("CREATE TABLE t (x)");
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();

        command.Connection = connection;
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO t VALUES (1)";
        command.ExecuteNonQuery();
        transaction.Commit();

        Assert.Same(connection.Unwrap(), command.Unwrap().Connection);
        Assert.Same(transaction.Unwrap(), command.Unwrap().Transaction);
        Assert.Same(transaction, command.Transaction);
        Assert.Equal(2, _recorder.Spans.Count);
    }

    [Fact]
    public void ProvidersOwnCommand_TakesUnwrappedObjects()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        using var transaction = connection.BeginTransaction();

        using var command = new SqliteCommand("SELECT 1", (SqliteConnection)connection.Unwrap(), (SqliteTransaction)transaction.Unwrap());

        Assert.Equal(1L, command.ExecuteScalar());
        Assert.Empty(_recorder.StartedSpans);
    }

    [Fact]
    public void TransactionConnection_IsTheTracedConnection()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        using var transaction = connection.BeginTransaction();

        Assert.Same(connection, transaction.Connection);
        Assert.IsType<SqliteTransaction>(transaction.Unwrap());
        Assert.Equal(IsolationLevel.Serializable, transaction.IsolationLevel);
    }

    [Fact]
    public void DisposingTheScope_DisposesTheProvidersConnection()
    {
        using var container = TestContainers.Sqlite();
        DbConnection provider;
        using (var scope = container.BeginLifetimeScope())
        {
            var connection = scope.OpenConnection();
            provider = connection.Unwrap();
        }

        Assert.Equal(ConnectionState.Closed, provider.State);
    }

    [Fact]
    public void TracedReader_ForwardsToTheProvidersReader()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();

        using var reader = connection.Command("SELECT 1 AS one, 'a' AS letter, NULL AS empty").ExecuteReader();

        Assert.IsType<SqliteDataReader>(reader.Unwrap());
        Assert.True(reader.Read());
        Assert.Equal(3, reader.FieldCount);
        Assert.Equal("letter", reader.GetName(1));
        Assert.Equal(1, reader.GetFieldValue<int>(0));
        Assert.Equal("a", reader["letter"]);
        Assert.True(reader.IsDBNull(2));
        Assert.Equal(["one", "letter", "empty"], reader.GetColumnSchema().Select(column => column.ColumnName));
        Assert.False(reader.Read());
    }

    [Fact]
    public void UnwrapOfAPlainObject_ReturnsItUnchanged()
    {
        using var plain = new SqliteConnection(TestContainers.InMemory);

        Assert.Same(plain, plain.Unwrap());
    }

    [Fact]
    public void Results_AreThoseOfTheProvider()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        connection.Execute("CREATE TABLE t (x INTEGER, y TEXT)");

        var inserted = connection.Execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
        using var count = connection.Command("SELECT COUNT(*) FROM t");
        using var select = connection.Command("SELECT x, y FROM t ORDER BY x");
        using var reader = select.ExecuteReader();
        var rows = new List<(long, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        Assert.Equal(2, inserted);
        Assert.Equal(2L, count.ExecuteScalar());
        Assert.Equal([(1L, "a"), (2L, "b")], rows);
    }
}
