using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;

namespace AopSqlTracing.Tests.Proxies;

/// <summary>Readers keep their span open for the rows read, across result sets, and never leave it unfinished.</summary>
public abstract class ReaderSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableFact]
    public void MultipleResultSets_StayInOneSpan()
    {
        using var connection = Open();
        CreateUsers(connection);

        var rows = 0;
        using (var reader = connection.Command("SELECT id FROM users; SELECT name FROM users WHERE id = 1").ExecuteReader())
        {
            do
            {
                while (reader.Read())
                {
                    rows++;
                }
            }
            while (reader.NextResult());
        }

        Assert.Equal(4, rows);
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("SELECT users SELECT users", span.DisplayName);
        Assert.Equal(4L, span.GetTagItem("db.response.returned_rows"));
    }

    [SkippableFact]
    public async Task ReaderDroppedWithoutDispose_SpanEndsWhenTheConnectionCloses()
    {
        var connection = Open();
        CreateUsers(connection);

        var reader = await connection.Command("SELECT name FROM users").ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Single(Recorder.StartedSpans);
        Assert.Empty(Recorder.Spans);

        await connection.CloseAsync();

        Assert.Equal(1L, Assert.Single(Recorder.Spans).GetTagItem("db.response.returned_rows"));
    }

    [SkippableFact]
    public void ReaderOnADisposedConnection_SpanEndsWithTheConnection()
    {
        var connection = Open();
        CreateUsers(connection);

        _ = connection.Command("SELECT name FROM users").ExecuteReader();
        connection.Dispose();

        Assert.Single(Recorder.Spans);
    }

    [SkippableFact]
    public void Reader_ReturnsWhatTheProviderReturns()
    {
        using var raw = OpenRaw();
        using var connection = Open();
        CreateUsers(raw);
        CreateUsers(connection);

        Assert.Equal(ReadAll(raw), ReadAll(connection));
    }

    private static List<object[]> ReadAll(DbConnection connection)
    {
        var rows = new List<object[]>();
        using var reader = connection.Command("SELECT id, name FROM users ORDER BY id").ExecuteReader();
        while (reader.Read())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(values);
        }

        return rows;
    }
}

public sealed class SqliteReaders : ReaderSuite<SqliteProvider>;

public sealed class PostgresReaders : ReaderSuite<PostgresProvider>;

public sealed class MariaDbReaders : ReaderSuite<MariaDbProvider>;
