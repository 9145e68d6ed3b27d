using System.Data.Common;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;

namespace AopSqlTracing.Tests.Execution;

/// <summary>
/// What <c>db.query.text</c> says of statements users write, through a traced connection on each engine: line
/// comments end where the engine ends them, literals never reach the span, each engine's comment, bracket and
/// operator rules are its own, and a long text (or parameter value) is cut to its limit, the cut mark included.
/// </summary>
public abstract class QueryTextSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableTheory]
    [InlineData("SELECT id FROM users -- note\nWHERE id < 5", "SELECT id FROM users WHERE id < ?")]
    [InlineData("SELECT id FROM users -- note\r\nWHERE id < 5", "SELECT id FROM users WHERE id < ?")]
    [InlineData("SELECT id -- the key\nFROM users WHERE id = 2 -- last", "SELECT id FROM users WHERE id = ?")]
    [InlineData("SELECT '-- not a comment', id\nFROM users", "SELECT ?, id FROM users")]
    [InlineData("SELECT id /* a\ncomment */ FROM users", "SELECT id FROM users")]
    public void Sanitized_LineAndBlockComments_KeepEveryStatementToken(string sql, string expected)
    {
        using var connection = Open();
        CreateUsers(connection);

        connection.Execute(sql);

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(expected, span.GetTagItem("db.query.text"));
        Assert.Equal("SELECT users", span.DisplayName);
        Assert.Equal("users", span.GetTagItem("db.collection.name"));
    }

    [SkippableFact]
    public void Raw_LineComment_KeepsItsLineBreakSoTheTextMeansTheSame()
    {
        using var connection = Open(o => o.QueryText = QueryTextMode.Raw);
        CreateUsers(connection);

        connection.Execute("SELECT id   FROM users -- note\r\n  WHERE id < 5");

        Assert.Equal("SELECT id FROM users -- note\nWHERE id < 5", Assert.Single(Recorder.Spans).GetTagItem("db.query.text"));
    }

    [SkippableFact]
    public void Parameterised_LiteralWrittenBesideAPlaceholder_IsReplaced()
    {
        using var connection = Open();
        CreateUsers(connection);
        using var command = WithNameParameter(connection, "SELECT id FROM users WHERE name = @name OR name = 'secret-Ada'", "Grace");

        command.ExecuteScalar();

        Assert.Equal("SELECT id FROM users WHERE name = @name OR name = ?", Assert.Single(Recorder.Spans).GetTagItem("db.query.text"));
    }

    // The limit is what a backend's attribute size allows, so the cut mark counts towards it.
    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(20)]
    [InlineData(52)]
    [InlineData(53)]
    [InlineData(54)]
    public void Sanitized_MaxQueryTextLength_IsTheMostCharactersRecordedCutMarkIncluded(int maxLength)
    {
        const string sanitized = "SELECT name, id FROM users WHERE id > ? ORDER BY name";
        using var connection = Open(o => o.MaxQueryTextLength = maxLength);
        CreateUsers(connection);

        connection.Execute("SELECT name, id FROM users WHERE id > 1 ORDER BY name");

        var text = (string)Assert.Single(Recorder.Spans).GetTagItem("db.query.text")!;
        Assert.Equal(maxLength < sanitized.Length ? sanitized[..(maxLength - 1)] + "…" : sanitized, text);
        Assert.True(text.Length <= maxLength, $"{text.Length} characters: «{text}»");
    }

    // A cut inside a surrogate pair drops the whole pair rather than leave half a character.
    [SkippableTheory]
    [InlineData("Ada Lovelace", 1, "…")]
    [InlineData("Ada Lovelace", 5, "Ada …")]
    [InlineData("Ada Lovelace", 11, "Ada Lovela…")]
    [InlineData("Ada Lovelace", 12, "Ada Lovelace")]
    [InlineData("ab\U0001F600cd", 4, "ab…")]
    [InlineData("ab\U0001F600cd", 5, "ab\U0001F600…")]
    public void RecordParameters_MaxParameterValueLength_IsTheMostCharactersRecordedCutMarkIncluded(string value, int maxLength, string expected)
    {
        using var connection = Open(o =>
        {
            o.RecordParameters = true;
            o.MaxParameterValueLength = maxLength;
        });
        CreateUsers(connection);
        using var command = WithNameParameter(connection, "SELECT id FROM users WHERE name = @name", value);

        command.ExecuteScalar();

        Assert.Equal(expected, Assert.Single(Recorder.Spans).GetTagItem("db.query.parameter.name"));
    }

    // Through the ADO.NET API every provider has; the name without a prefix, which every provider takes.
    private static DbCommand WithNameParameter(DbConnection connection, string sql, string value)
    {
        var command = connection.Command(sql);
        var parameter = command.CreateParameter();
        parameter.ParameterName = "name";
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>Runs <paramref name="sql"/> on a traced connection and checks its one span's <c>db.query.text</c>.</summary>
    protected void AssertQueryText(string sql, string expected)
    {
        using var connection = Open();

        connection.Execute(sql);

        Assert.Equal(expected, Assert.Single(Recorder.Spans).GetTagItem("db.query.text"));
    }
}

public sealed class SqliteQueryText : QueryTextSuite<SqliteProvider>
{
    [Fact]
    public void BlockComments_DoNotNest_SoTheStatementAfterTheFirstEndIsSeen()
    {
        using var connection = Open();
        CreateUsers(connection);

        connection.Execute("SELECT 1 /* note /* inner */; DELETE FROM users");

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("SELECT DELETE users", span.DisplayName);
        Assert.Equal("SELECT ? ; DELETE FROM users", span.GetTagItem("db.query.text"));
        Assert.Equal(0L, Convert.ToInt64(connection.Command("SELECT count(*) FROM users").ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    // SQLite ignores a pragma it does not know, so each runs as written; a pragma's value is a literal, bare or not.
    [Theory]
    [InlineData("PRAGMA myapp_api_key = SEKRIT90", "PRAGMA myapp_api_key = ?")]
    [InlineData("PRAGMA main.myapp_api_key = SEKRIT90", "PRAGMA main.myapp_api_key = ?")]
    [InlineData("PRAGMA myapp_api_key = [SEKRIT90]", "PRAGMA myapp_api_key = ?")]
    public void PragmaValueWrittenAsAWord_IsReplaced(string sql, string expected)
        => AssertQueryText(sql, expected);
}

public sealed class PostgresQueryText : QueryTextSuite<PostgresProvider>
{
    [SkippableTheory]
    [InlineData("""SELECT '{"a":1}'::jsonb ? 'secret_A', 'ssn-111-22-3333'""")]
    [InlineData("""SELECT '{"a":1}'::jsonb ?| ARRAY['secret_A'], '{"b":2}'::jsonb ?& ARRAY['secret_B']""")]
    [InlineData("""SELECT '{"a":[1,2]}'::jsonb @? '$.a[*] ? (@ > 1)', 'ssn-111-22-3333'""")]
    [InlineData("SELECT to_tsvector('secret words') @@ to_tsquery('secret'), ARRAY[1] <@ ARRAY[1,2]")]
    [InlineData("SELECT (ARRAY[4111111111111111, 2])[1:2], ARRAY[ -987654321 ], ARRAY[+123456789]")]
    public void OperatorsAndArrays_NoLiteralReachesTheSpan(string sql)
    {
        using var connection = Open();

        connection.Execute(sql);

        var text = (string)Assert.Single(Recorder.Spans).GetTagItem("db.query.text")!;
        foreach (var secret in new[] { "secret", "ssn", "111", "4111111111111111", "987654321", "123456789", "\"a\"" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    // A setting's value is a literal to the server, written bare, quoted as a name, or as a string.
    [SkippableTheory]
    [InlineData("SET application_name TO SEKRIT90", "SET application_name TO ?")]
    [InlineData("SET SESSION myapp.api_key TO SEKRIT90", "SET SESSION myapp.api_key TO ?")]
    [InlineData("SET myapp.api_key = SEKRIT90", "SET myapp.api_key = ?")]
    [InlineData("SET LOCAL myapp.api_key TO SEKRIT90", "SET LOCAL myapp.api_key TO ?")]
    [InlineData("SET myapp.api_key TO \"SEKRIT90\"", "SET myapp.api_key TO ?")]
    [InlineData("SET search_path TO SEKRIT90, public", "SET search_path TO ?, ?")]
    public void SettingValueWrittenAsAWord_IsReplaced(string sql, string expected)
        => AssertQueryText(sql, expected);
}

public sealed class MariaDbQueryText : QueryTextSuite<MariaDbProvider>
{
    // Each runs on the server as written: MySQL's comments, quotes, escapes and literal forms, no literal in the span.
    [SkippableTheory]
    [InlineData("SELECT 'secret-a' # note 'x\n, id FROM users", "SELECT ? , id FROM users")]
    [InlineData("SELECT 'it\\'s secret-a', \"say \\\"secret-b\\\"\", id FROM users", "SELECT ?, ?, id FROM users")]
    [InlineData("SELECT 'C:\\\\', 'secret-a' FROM users", "SELECT ?, ? FROM users")]
    [InlineData("SELECT `name`, `id` FROM `users` WHERE `name` <> 'secret-a'", "SELECT `name`, `id` FROM `users` WHERE `name` <> ?")]
    [InlineData("SELECT X'736563726574', x'00', 0x736563726574, b'0101', N'secret-a', _utf8mb4'secret-b' FROM users", "SELECT ?, ?, ?, ?, ?, _utf8mb4? FROM users")]
    [InlineData("SELECT 1--4111111111111111\n, id FROM users", "SELECT ?--? , id FROM users")]
    [InlineData("SELECT 1 /*! , 'secret-a */ hidden' */ FROM users", "SELECT ? FROM users")]
    [InlineData("SELECT 1 /*!40101 , 'secret-a' */ /*M! , 'secret-b' */ FROM users", "SELECT ? FROM users")]
    public void MySqlLiterals_NoLiteralReachesTheSpan(string sql, string expected)
    {
        using var connection = Open();
        CreateUsers(connection);

        connection.Execute(sql);

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(expected, span.GetTagItem("db.query.text"));
        Assert.Equal("users", span.GetTagItem("db.collection.name"));
    }

    // The server ends a plain comment at the first */ (no nesting): what follows runs, and is read as SQL.
    [SkippableFact]
    public void BlockComments_DoNotNest_SoTheStatementAfterTheFirstEndIsSeen()
    {
        using var connection = Open();
        CreateUsers(connection);

        connection.Execute("SELECT 1 /* note /* inner */; DELETE FROM users");

        var span = Assert.Single(Recorder.Spans);
        Assert.Equal("SELECT DELETE users", span.DisplayName);
        Assert.Equal("SELECT ? ; DELETE FROM users", span.GetTagItem("db.query.text"));
        Assert.Equal(0L, Convert.ToInt64(connection.Command("SELECT count(*) FROM users").ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    // default_master_connection takes any name, so each runs as written; a setting's value is a literal, bare or not.
    [SkippableTheory]
    [InlineData("SET @@session.default_master_connection = SEKRIT90", "SET @@session.default_master_connection = ?")]
    [InlineData("SET SESSION default_master_connection = SEKRIT90", "SET SESSION default_master_connection = ?")]
    [InlineData("SET default_master_connection = `SEKRIT90`", "SET default_master_connection = ?")]
    [InlineData("SET @@session.autocommit = 1, default_master_connection = SEKRIT90", "SET @@session.autocommit = ?, default_master_connection = ?")]
    [InlineData("SET STATEMENT default_master_connection = SEKRIT90 FOR SELECT version()", "SET STATEMENT default_master_connection = ? FOR SELECT version()")]
    public void SettingValueWrittenAsAWord_IsReplaced(string sql, string expected)
        => AssertQueryText(sql, expected);
}
