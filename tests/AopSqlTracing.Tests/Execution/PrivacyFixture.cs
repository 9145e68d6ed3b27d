using System.Diagnostics;
using AopSqlTracing.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests.Execution;

/// <summary>Nothing the application's data holds reaches a span unless the user opts in.</summary>
public sealed class PrivacyFixture : IDisposable
{
    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public void TextWithLiterals_IsSanitisedByDefault()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();

        connection.Execute("SELECT 'ada@example.com' AS email, 42, 3.5, X'DEADBEEF' /* secret */ -- more secret\n");

        Assert.Equal("SELECT ? AS email, ?, ?, ?", Assert.Single(_recorder.Spans).GetTagItem("db.query.text"));
    }

    [Fact]
    public void ParameterisedCommand_PlaceholdersKeptAndLiteralsBesideThemReplaced_WithoutValues()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        using var command = connection.Command("SELECT @email /* who */, 1");
        command.Parameters.Add(new SqliteParameter("@email", "ada@example.com"));

        command.ExecuteScalar();

        var span = Assert.Single(_recorder.Spans);
        Assert.Equal("SELECT @email , ?", span.GetTagItem("db.query.text"));
        Assert.DoesNotContain(span.TagObjects, tag => tag.Key.StartsWith("db.query.parameter.", StringComparison.Ordinal));
        Assert.DoesNotContain(span.TagObjects, tag => tag.Value is string text && text.Contains("ada@", StringComparison.Ordinal));
    }

    [Fact]
    public void QueryTextNone_RecordsNoText()
    {
        using var container = TestContainers.Sqlite(o => o.QueryText = QueryTextMode.None);
        using var connection = container.OpenConnection();

        connection.Execute("SELECT 'x'");

        var span = Assert.Single(_recorder.Spans);
        Assert.Null(span.GetTagItem("db.query.text"));
        Assert.Equal("SELECT", span.DisplayName);
    }

    [Fact]
    public void LongText_IsCutToMaxQueryTextLength_AndMarked()
    {
        using var container = TestContainers.Sqlite(o => o.MaxQueryTextLength = 20);
        using var connection = container.OpenConnection();

        connection.Execute("SELECT " + string.Join(", ", Enumerable.Range(0, 50).Select(i => $"c{i}")) + " FROM (SELECT " + string.Join(", ", Enumerable.Range(0, 50).Select(i => $"1 AS c{i}")) + ")");

        var text = (string)Assert.Single(_recorder.Spans).GetTagItem("db.query.text")!;
        Assert.Equal("SELECT c0, c1, c2, …", text);
    }

    [Fact]
    public void RecordParameters_RecordsValues_CutToLength_AndBytesAsLength()
    {
        using var container = TestContainers.Sqlite(o =>
        {
            o.RecordParameters = true;
            o.MaxParameterValueLength = 5;
        });
        using var connection = container.OpenConnection();
        using var command = connection.Command("SELECT @name, @blob, $n, @missing");
        command.Parameters.Add(new SqliteParameter("@name", "Ada Lovelace"));
        command.Parameters.Add(new SqliteParameter("@blob", new byte[] { 1, 2, 3 }));
        command.Parameters.Add(new SqliteParameter("$n", 42));
        command.Parameters.Add(new SqliteParameter("@missing", DBNull.Value));

        command.ExecuteScalar();

        var span = Assert.Single(_recorder.Spans);
        Assert.Equal("Ada …", span.GetTagItem("db.query.parameter.name"));
        Assert.Equal(3, span.GetTagItem("db.query.parameter.blob"));
        Assert.Equal(42, span.GetTagItem("db.query.parameter.n"));
        Assert.Null(span.GetTagItem("db.query.parameter.missing"));
    }

    [Fact]
    public void RecordExceptionOff_KeepsTheMessageOutOfTheSpan()
    {
        using var container = TestContainers.Sqlite(o => o.RecordException = false);
        using var connection = container.OpenConnection();
        connection.Execute("CREATE TABLE t (email TEXT UNIQUE)");
        connection.Execute("INSERT INTO t VALUES ('ada@example.com')");
        _recorder.Clear();

        var error = Assert.Throws<SqliteException>(() => connection.Execute("INSERT INTO t VALUES ('ada@example.com')"));

        var span = Assert.Single(_recorder.Spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Null(span.StatusDescription);
        Assert.Empty(span.Events);
        Assert.Equal(typeof(SqliteException).FullName, span.GetTagItem("error.type"));
        Assert.Equal(error.SqliteErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture), span.GetTagItem("db.response.status_code"));
    }
}
