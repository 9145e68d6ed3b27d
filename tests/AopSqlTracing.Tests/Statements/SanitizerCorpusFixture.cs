using System.Globalization;
using AopSqlTracing.Tests.Support;

namespace AopSqlTracing.Tests.Statements;

/// <summary>
/// A corpus of realistic statements carrying literal values (emails, names, numbers, dates, blobs): run through a
/// traced connection with the default options, no value reaches <c>db.query.text</c>.
/// </summary>
public sealed class SanitizerCorpusFixture : IDisposable
{
    private static readonly string[] Names = ["Ada Lovelace", "O'Brien", "Grace Hopper", "Zoë Çelik", "李小龍", "Barbara; DROP TABLE users"];
    private static readonly string[] Templates =
    [
        "SELECT id FROM users WHERE email = '{email}'",
        "SELECT * FROM users WHERE name = '{name}' AND age > {age}",
        "INSERT INTO users (email, name, age, balance) VALUES ('{email}', '{name}', {age}, {balance})",
        "UPDATE users SET balance = {balance}, name = '{name}' WHERE email = '{email}'",
        "DELETE FROM users WHERE age = {age} OR email LIKE '%{domain}'",
        "SELECT name FROM users WHERE created = '{date}' /* by {name} */",
        "SELECT x'{hex}' AS blob, {age} AS n -- {email}\n",
        "WITH t AS (SELECT '{email}' AS e) SELECT e FROM t WHERE e <> '{name}'",
    ];

    private readonly SpanRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public void Corpus_NoLiteralValueReachesTheSpan()
    {
        using var container = TestContainers.Sqlite();
        using var connection = container.OpenConnection();
        connection.Execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, age INTEGER, balance REAL, created TEXT)");
        _recorder.Clear();

        var statements = Corpus().ToList();
        foreach (var (sql, _) in statements)
        {
            connection.Execute(sql);
        }

        Assert.True(statements.Count >= 200, $"only {statements.Count} statements");
        var texts = _recorder.Spans.Select(span => (string)span.GetTagItem("db.query.text")!).ToList();
        Assert.Equal(statements.Count, texts.Count);
        foreach (var ((sql, values), text) in statements.Zip(texts))
        {
            foreach (var value in values)
            {
                Assert.False(text.Contains(value, StringComparison.Ordinal), $"'{value}' leaked from «{sql}» into «{text}»");
            }
        }
    }

    private static IEnumerable<(string Sql, string[] Values)> Corpus()
    {
        var random = new Random(20261125);
        for (var i = 0; i < 30; i++)
        {
            var name = Names[i % Names.Length];
            var email = $"user{i}.{random.Next(1000, 9999)}@example{i % 7}.com";
            var age = random.Next(18, 99).ToString(CultureInfo.InvariantCulture);
            var balance = (random.NextDouble() * 10_000).ToString("F2", CultureInfo.InvariantCulture);
            var date = new DateOnly(2020, 1, 1).AddDays(random.Next(0, 2000)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var hex = Convert.ToHexString(BitConverter.GetBytes(random.Next()));
            var domain = $"example{i % 7}.com";
            foreach (var template in Templates)
            {
                var sql = template
                    .Replace("{email}", email, StringComparison.Ordinal)
                    .Replace("{name}", name.Replace("'", "''", StringComparison.Ordinal), StringComparison.Ordinal)
                    .Replace("{age}", age, StringComparison.Ordinal)
                    .Replace("{balance}", balance, StringComparison.Ordinal)
                    .Replace("{date}", date, StringComparison.Ordinal)
                    .Replace("{hex}", hex, StringComparison.Ordinal)
                    .Replace("{domain}", domain, StringComparison.Ordinal);
                yield return (sql, [email, name, balance, date, hex, domain, $"{age}"]);
            }
        }
    }
}
