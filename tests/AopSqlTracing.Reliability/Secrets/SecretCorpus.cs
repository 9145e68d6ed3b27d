using System.Globalization;

namespace AopSqlTracing.Reliability.Secrets;

/// <summary>
/// Statements carrying secrets as literals, written the ways applications write them, each runnable as it is on a
/// table <c>vault (id, owner, secret, note)</c>: portable ones for every engine, PostgreSQL's own literal syntax and
/// operators, SQLite's own comment rules, and MySQL's and MariaDB's literals and comments.
/// </summary>
public static class SecretCorpus
{
    public const string CreateTable = "CREATE TEMPORARY TABLE vault (id INTEGER, owner VARCHAR(200), secret VARCHAR(200), note VARCHAR(400))";

    public static readonly Secret[] Secrets =
    [
        new("password", "hunter2-Pa55w0rd!"),
        new("password", "correct horse battery staple"),
        new("password", "Tr0ub4dor&3xyzzy"),
        new("password", "S3cr3t#Spring2024"),
        new("token", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
        new("token", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
        new("token", "AKIAIOSFODNN7EXAMPLE"),
        new("token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.Zm9vYmFyYmF6cXV4"),
        new("email", "ada.lovelace@analytical-engine.example"),
        new("email", "grace+ops@cobol.example.org"),
        new("card", "4111111111111111"),
        new("card", "5555 5555 5555 4444"),
        new("card", "3782-822463-10005"),
        new("national id", "078-05-1120"),
        new("national id", "QQ123456C"),
        new("national id", "1 84 12 76 451 089 46"),
        new("card", "4012888888881881"),
        new("card", "6011000990139424"),
        new("account", "9876543210123"),
    ];

    // {s}: the secret in a string literal (quotes doubled); {d}: the secret as a number (only the secrets that are
    // all digits); {x}: those digits padded to an even count, for hexadecimal X'…'; {w}: the secret as a bare word
    // (only the secrets that are words: a letter, then letters, digits and underscores); {n}: a number; {i}: the
    // statement's index.
    private static readonly string[] PortableTemplates =
    [
        "SELECT id FROM vault WHERE secret = '{s}'",
        "SELECT id, owner FROM vault WHERE owner = 'ada' AND secret = '{s}' AND id > {n}",
        "INSERT INTO vault (id, owner, secret) VALUES ({i}, 'ada', '{s}')",
        "INSERT INTO vault (id, owner, secret, note) VALUES ({i}, 'grace', '{s}', 'rotated: {s}')",
        "UPDATE vault SET secret = '{s}' WHERE id = {i}",
        "UPDATE vault SET note = 'was {s}', secret = NULL WHERE owner = 'ada'",
        "DELETE FROM vault WHERE secret = '{s}'",
        "SELECT COUNT(*) FROM vault WHERE secret IN ('{s}', 'other', '{s}x')",
        "SELECT CASE WHEN secret = '{s}' THEN 1 ELSE 0 END FROM vault",
        "SELECT upper('{s}'), lower('{s}')",
        "SELECT id FROM vault WHERE note LIKE '%{s}%'",
        "SELECT 'it''s {s}' AS quoted",
        "WITH found AS (SELECT '{s}' AS value) SELECT value FROM found",
        "INSERT INTO vault (id, secret) SELECT {i}, '{s}'",
        "SELECT '{{\"token\": \"{s}\", \"n\": {n}}}' AS payload",
        "SELECT id FROM vault WHERE secret = '{s}' -- looked up for {s}\n",
        "/* secret: {s} */ SELECT id FROM vault WHERE id = {n}",
        "SELECT id FROM vault WHERE secret <> '{s}' ORDER BY id LIMIT 5",
        "SELECT COALESCE(secret, '{s}') FROM vault WHERE id = {i}",
        "SELECT 1 WHERE '{s}' = '{s}'",
        "SELECT   '{s}'  ,\n\t'{s}'",
    ];

    // PostgreSQL's own ways of writing a literal.
    private static readonly string[] PostgresTemplates =
    [
        "SELECT E'{s}'",
        "SELECT E'it\\'s {s}'",
        "SELECT $${s}$$",
        "SELECT $k$ {s} $k$",
        "SELECT '{s}'::text",
        "SELECT CAST('{s}' AS VARCHAR(200))",
        "SELECT ARRAY['{s}', 'other']",
        "SELECT U&'{s}'",
        "SELECT 1 /* outer /* inner */ {s} */",

        // Operators made of ?, @ and $, which are not placeholders on PostgreSQL, beside a literal.
        "SELECT '{{\"k\": 1}}'::jsonb ? '{s}'",
        "SELECT '{{\"k\": 1}}'::jsonb ?| ARRAY['{s}', 'other']",
        "SELECT '{{\"k\": 1}}'::jsonb ?& ARRAY['{s}']",
        "SELECT jsonb_build_object('k', '{s}') @? '$.k'",
        "SELECT point '(1,0)' ?- point '(2,0)', '{s}'",
        "SELECT to_tsvector('simple', '{s}') @@ to_tsquery('simple', 'x')",
        "SELECT ARRAY['{s}'] <@ ARRAY['{s}', 'other']",
        "SELECT '{{\"k\": 1}}'::jsonb @> jsonb_build_object('k', '{s}')",
        "SELECT (ARRAY['{s}', 'b', 'c'])[1:2]",
        "SELECT a$b FROM (SELECT '{s}' AS a$b) AS t",
        "SELECT '{{\"token\": \"{s}\"}}'::jsonb -> 'token'",

        // Array brackets and subscripts hold values on PostgreSQL, not quoted names.
        "SELECT ARRAY[ {d} ]",
        "SELECT ARRAY[-{d}]",
        "SELECT ARRAY[+{d}]",
        "SELECT (ARRAY[{d}, 2])[1:2]",
        "SELECT (ARRAY[1, {d}])[2]",

        // A setting's value is a literal, bare word or quoted name; search_path last, as it stays set.
        "SET application_name TO {w}",
        "SET SESSION myapp.api_key TO {w}",
        "SET myapp.api_key = {w}",
        "SET LOCAL myapp.api_key TO {w}",
        "SET myapp.api_key TO \"{w}\"",
        "SET search_path TO {w}, public",
    ];

    // SQLite's block comments do not nest: the first */ ends one, and a literal after it is a literal. Read with
    // nesting rules, the rest of each of these would be taken for comment, or for SQL outside any literal.
    private static readonly string[] SqliteTemplates =
    [
        "SELECT 1 /* a /* b */, 'x */ {s} '",
        "SELECT '{s}' /* one /* two */, 'x */ {s}'",
        "SELECT 1 /* note /* inner */; SELECT '{s}'",
        "/* /* */ SELECT '{s}'",
        "SELECT [a] FROM (SELECT '{s}' AS [a]) /* [ */",

        // A pragma's value is a literal, bare word or quoted name (SQLite ignores a pragma it does not know).
        "PRAGMA myapp_api_key = {w}",
        "PRAGMA main.myapp_api_key = {w}",
        "PRAGMA myapp_api_key = [{w}]",
    ];

    // MySQL's and MariaDB's own ways of writing a literal, and their comments: "…" strings, backslash escapes,
    // backquoted names, # and -- comments (the latter only before a space), comments that do not nest, X'…', 0x…,
    // B'…', N'…', charset introducers, and /*! … */ comments whose body the server runs (a */ inside a literal there
    // does not end them), run or not by version.
    private static readonly string[] MySqlTemplates =
    [
        "SELECT \"{s}\"",
        "SELECT \"it\"\"s {s}\"",
        "SELECT 'it\\'s {s}'",
        "SELECT \"say \\\"{s}\\\"\"",
        "SELECT 'C:\\\\', '{s}'",
        "SELECT `secret` FROM vault WHERE `secret` = '{s}'",
        "SELECT `a``b` FROM (SELECT '{s}' AS `a``b`) AS t",
        "SELECT 1 # {s}\n",
        "SELECT 1 # it's {s}\n, '{s}'",
        "SELECT 1 -- {s}\n",
        "SELECT 1 --\t{s}\n",
        "SELECT 1--{d}",
        "SELECT 1 /* a /* b */, 'x */ {s} '",
        "SELECT 0x{d}",
        "SELECT X'{x}', x'{x}'",
        "SELECT b'1010', B'0', '{s}'",
        "SELECT N'{s}', _utf8mb4'{s}', _binary'{s}'",
        "SELECT 'a' '{s}'",
        "SELECT '{s}' COLLATE utf8mb4_bin",
        "SELECT CONCAT('{s}', \"{s}\")",
        "SELECT JSON_EXTRACT('{{\"k\": \"{s}\"}}', '$.k')",
        "SELECT 1 /*! , '{s}' */",
        "SELECT 1 /*! , 'x */ {s}' */",
        "SELECT 1 /*!40101 , '{s}' */",
        "SELECT 1 /*!50700 , '{s}' */",
        "SELECT 1 /*M! , '{s}' */",
        "SELECT 1 /*!100000 , \"{s}\" */",
        "SELECT 1 /*! , 2 /* {s} */ */",
        "SELECT 1 /*! + 2 -- {s} */\n */",
        "SELECT 1 /*! + 2 # {s} */\n */",

        // A setting's value is a literal, bare word or quoted name (default_master_connection takes any name).
        "SET @@session.default_master_connection = {w}",
        "SET SESSION default_master_connection = {w}",
        "SET default_master_connection = `{w}`",
        "SET @a := 1, default_master_connection = {w}",
        "SET STATEMENT default_master_connection = {w} FOR SELECT id FROM vault",
    ];

    /// <summary>The portable statements: every template with every secret.</summary>
    public static IReadOnlyList<(string Sql, Secret Secret, string Template)> Portable() => Build(PortableTemplates);

    /// <summary>PostgreSQL-only literal syntax and operators: every template with every secret it can hold.</summary>
    public static IReadOnlyList<(string Sql, Secret Secret, string Template)> PostgresSyntax() => Build(PostgresTemplates);

    /// <summary>SQLite-only comment rules: every template with every secret.</summary>
    public static IReadOnlyList<(string Sql, Secret Secret, string Template)> SqliteSyntax() => Build(SqliteTemplates);

    /// <summary>MySQL's and MariaDB's literal and comment syntax: every template with every secret it can hold.</summary>
    public static IReadOnlyList<(string Sql, Secret Secret, string Template)> MySqlSyntax() => Build(MySqlTemplates);

    private static List<(string Sql, Secret Secret, string Template)> Build(string[] templates)
    {
        var statements = new List<(string, Secret, string)>();
        var i = 0;
        foreach (var template in templates)
        {
            var numeric = template.Contains("{d}", StringComparison.Ordinal) || template.Contains("{x}", StringComparison.Ordinal);
            var word = template.Contains("{w}", StringComparison.Ordinal);
            foreach (var secret in Secrets.Where(secret => (!numeric || secret.Value.All(char.IsAsciiDigit)) && (!word || IsWord(secret.Value))))
            {
                i++;
                var sql = template
                    .Replace("{{", "\u0001", StringComparison.Ordinal)
                    .Replace("}}", "\u0002", StringComparison.Ordinal)
                    .Replace("{s}", secret.Value.Replace("'", "''", StringComparison.Ordinal), StringComparison.Ordinal)
                    .Replace("{d}", secret.Value, StringComparison.Ordinal)
                    .Replace("{x}", secret.Value.Length % 2 == 0 ? secret.Value : secret.Value + "0", StringComparison.Ordinal)
                    .Replace("{w}", secret.Value, StringComparison.Ordinal)
                    .Replace("{n}", (i * 7919 % 1000).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                    .Replace("{i}", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                    .Replace("\u0001", "{", StringComparison.Ordinal)
                    .Replace("\u0002", "}", StringComparison.Ordinal);
                statements.Add((sql, secret, template));
            }
        }

        return statements;
    }

    private static bool IsWord(string value) => char.IsAsciiLetter(value[0]) && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
