using AopSqlTracing.Tests.Support;

namespace AopSqlTracing.Tests.Proxies;

/// <summary>A reader's span covers the rows read and ends exactly once.</summary>
public sealed class ReaderSpanFixture : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public void ExecuteReader_SpanEndsWhenTheReaderIsDisposed_WithTheRowsRead()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        connection.Execute("CREATE TABLE t (x)");
        connection.Execute("INSERT INTO t VALUES (1), (2), (3)");
        _recorder.Clear();

        using (var reader = connection.Command("SELECT x FROM t").ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.True(reader.Read());
            Assert.Empty(_recorder.Spans);
            Assert.Single(_recorder.StartedSpans);
        }

        var span = Assert.Single(_recorder.Spans);
        Assert.Equal(2L, span.GetTagItem("db.response.returned_rows"));
    }

    [Fact]
    public void ReaderClosedThenDisposed_EndsTheSpanOnce()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();

        var reader = connection.Command("SELECT 1 UNION ALL SELECT 2").ExecuteReader();
        while (reader.Read())
        {
        }

        reader.Close();
        reader.Dispose();

        var span = Assert.Single(_recorder.Spans);
        Assert.Equal(2L, span.GetTagItem("db.response.returned_rows"));
    }

    [Fact]
    public void ReaderLeftOpen_SpanEndsWhenItsLifetimeScopeEnds()
    {
        using var container = TestContainers.Sqlite();
        using (var scope = container.BeginLifetimeScope())
        {
            var reader = scope.OpenConnection().Command("SELECT 1").ExecuteReader();
            reader.Read();
            Assert.Empty(_recorder.Spans);
        }

        Assert.Equal(1L, Assert.Single(_recorder.Spans).GetTagItem("db.response.returned_rows"));
    }

    [Fact]
    public void ReaderDroppedWithoutDispose_SpanEndsWhenTheConnectionCloses()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();

        var reader = connection.Command("SELECT 1").ExecuteReader();
        reader.Read();
        Assert.Empty(_recorder.Spans);

        connection.Close();

        Assert.Single(_recorder.Spans);
        Assert.All(_recorder.StartedSpans, span => Assert.True(span.IsStopped));
    }

    [Fact]
    public void SeveralReadersOpenAtOnce_OneClosed_TheOthersEndWhenTheConnectionCloses()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();

        var first = connection.Command("SELECT 1").ExecuteReader();
        var second = connection.Command("SELECT 2").ExecuteReader();
        var third = connection.Command("SELECT 3").ExecuteReader();
        second.Dispose();
        Assert.Single(_recorder.Spans);

        connection.Close();

        Assert.Equal(3, _recorder.Spans.Count);
        Assert.All(_recorder.StartedSpans, span => Assert.True(span.IsStopped));
        GC.KeepAlive(first);
        GC.KeepAlive(third);
    }
}
