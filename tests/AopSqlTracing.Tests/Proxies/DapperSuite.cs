using System.Data;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;
using Dapper;

namespace AopSqlTracing.Tests.Proxies;

/// <summary>Dapper through a traced connection: the same results as through a raw one, one span per command.</summary>
public abstract class DapperSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableFact]
    public void Query_Buffered_SameRowsAsRaw()
    {
        using var raw = OpenRaw();
        using var connection = Open();
        CreateUsers(raw);
        CreateUsers(connection);
        const string sql = "SELECT id AS Id, name AS Name FROM users WHERE id >= @min ORDER BY id";

        var expected = raw.Query<User>(sql, new { min = 2 }).ToList();
        var actual = connection.Query<User>(sql, new { min = 2 }).ToList();

        Assert.Equal(expected, actual);
        Assert.Equal(2, actual.Count);
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("SELECT users", span.DisplayName);
        Assert.Equal(2L, span.GetTagItem("db.response.returned_rows"));
    }

    [SkippableFact]
    public void Query_Unbuffered_SpanEndsWhenEnumerationEnds()
    {
        using var connection = Open();
        CreateUsers(connection);

        var names = new List<string>();
        foreach (var user in connection.Query<User>("SELECT id AS Id, name AS Name FROM users ORDER BY id", buffered: false))
        {
            names.Add(user.Name);
            Assert.Empty(Recorder.Spans);
        }

        Assert.Equal(["Ada", "Grace", "Barbara"], names);
        Assert.Equal(3L, Assert.Single(Recorder.Spans).GetTagItem("db.response.returned_rows"));
    }

    [SkippableFact]
    public async Task QueryAsync_SameRowsAsRaw()
    {
        await using var raw = OpenRaw();
        await using var connection = Open();
        CreateUsers(raw);
        CreateUsers(connection);
        const string sql = "SELECT id AS Id, name AS Name FROM users ORDER BY name";

        var expected = (await raw.QueryAsync<User>(sql)).ToList();
        var actual = (await connection.QueryAsync<User>(sql)).ToList();

        Assert.Equal(expected, actual);
        Assert.Equal("SELECT users", Assert.Single(Recorder.Spans).DisplayName);
    }

    [SkippableFact]
    public async Task ExecuteAndExecuteAsync_InATransaction_AreTracedAndApplied()
    {
        await using var connection = Open();
        CreateUsers(connection);

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var inserted = connection.Execute("INSERT INTO users (name) VALUES (@name)", new[] { new { name = "Edsger" }, new { name = "Donald" } }, transaction);
            var deleted = await connection.ExecuteAsync("DELETE FROM users WHERE name = @name", new { name = "Ada" }, transaction);
            await transaction.CommitAsync();
            Assert.Equal(2, inserted);
            Assert.Equal(1, deleted);
        }

        Assert.Equal(4, connection.ExecuteScalar<int>("SELECT COUNT(*) FROM users"));
        Assert.Equal(["INSERT users", "INSERT users", "DELETE users", "SELECT users"], Recorder.Spans.Select(s => s.DisplayName));
    }

    [SkippableFact]
    public void QueryMultiple_IsOneSpan()
    {
        using var connection = Open();
        CreateUsers(connection);

        using (var grid = connection.QueryMultiple("SELECT COUNT(*) FROM users; SELECT name FROM users ORDER BY id"))
        {
            Assert.Equal(3, grid.ReadSingle<int>());
            Assert.Equal(["Ada", "Grace", "Barbara"], grid.Read<string>());
        }

        Assert.Equal(4L, Assert.Single(Recorder.Spans).GetTagItem("db.response.returned_rows"));
    }

    [SkippableFact]
    public async Task RolledBackTransaction_LeavesNoRows_AndEndsTheMark()
    {
        await using var connection = Open(o => o.TraceAllCommands = false);
        CreateUsers(connection);
        using var parent = Recorder.StartParent();

        using (var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted))
        {
            connection.SetParentSpan(parent);
            await connection.ExecuteAsync("DELETE FROM users", transaction: transaction);
            transaction.Rollback();
        }

        Assert.Equal(3, connection.ExecuteScalar<int>("SELECT COUNT(*) FROM users"));
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(parent.SpanId, span.ParentSpanId);
    }

    public sealed record User(long Id, string Name)
    {
        // Dapper maps PostgreSQL's int and SQLite's integer to this constructor alike.
        public User(int id, string name)
            : this((long)id, name)
        {
        }
    }
}

public sealed class SqliteDapper : DapperSuite<SqliteProvider>;

public sealed class PostgresDapper : DapperSuite<PostgresProvider>;

public sealed class MariaDbDapper : DapperSuite<MariaDbProvider>;
