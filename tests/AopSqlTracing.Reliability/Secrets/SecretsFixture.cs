using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Reliability.Support;
using Autofac;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit.Abstractions;

namespace AopSqlTracing.Reliability.Secrets;

/// <summary>
/// No literal value reaches the exported data with the default options: a corpus of statements carrying passwords,
/// tokens, emails, card numbers and national ids as literals runs, not parameterised, on every engine, and nothing
/// of any secret is in any name, attribute, event, status or link the OpenTelemetry exporter receives. Parameter
/// values stay out too while <c>RecordParameters</c> is off. Every statement succeeds (exception messages, recorded
/// by default, are covered with <c>RecordException</c> off). Each test also shows its check can fail: the same
/// statements with the opt-in that records values are caught leaking.
/// </summary>
public sealed class SecretsFixture(ITestOutputHelper output)
{
    [Fact]
    public void LiteralCorpus_Sqlite_NothingOfAnySecretExported()
        => AssertNoLeak("SQLite", () => new SqliteConnection("Data Source=:memory:"), SecretCorpus.Portable());

    [SkippableFact]
    public void LiteralCorpus_Postgres_NothingOfAnySecretExported()
    {
        var connectionString = PostgresServer.Require();
        AssertNoLeak("PostgreSQL", () => new NpgsqlConnection(connectionString), SecretCorpus.Portable());
    }

    [SkippableFact]
    public void PostgresLiteralSyntax_NothingOfAnySecretExported()
    {
        var connectionString = PostgresServer.Require();
        AssertNoLeak(
            "PostgreSQL literal syntax (E'', $$, ::, ARRAY[], [1:2], U&'', nested comments, ?, ?|, ?&, @?, ?-, @@, <@, @>, a$b, SET values)",
            () => new NpgsqlConnection(connectionString),
            SecretCorpus.PostgresSyntax());
    }

    [Fact]
    public void SqliteLiteralSyntax_NothingOfAnySecretExported()
        => AssertNoLeak("SQLite literal syntax (block comments that do not nest, [names], PRAGMA values)", () => new SqliteConnection("Data Source=:memory:"), SecretCorpus.SqliteSyntax());

    [SkippableFact]
    public void LiteralCorpus_MariaDb_NothingOfAnySecretExported()
    {
        var connectionString = MariaDbConnectionString();
        AssertNoLeak("MariaDB", () => new MySqlConnection(connectionString), SecretCorpus.Portable());
    }

    [SkippableFact]
    public void MySqlLiteralSyntax_MariaDb_NothingOfAnySecretExported()
    {
        var connectionString = MariaDbConnectionString();
        AssertNoLeak(
            "MariaDB literal syntax (\"…\", \\' and \\\\ escapes, `names`, # and -- comments, --1, X'', 0x, B'', N'', _charset'', /*! */, /*!NNNNN */, /*M! */, SET values)",
            () => new MySqlConnection(connectionString),
            SecretCorpus.MySqlSyntax());
    }

    [Fact]
    public void Parameters_Sqlite_NoValueExportedWithoutRecordParameters()
        => AssertNoParameterLeak("SQLite", () => new SqliteConnection("Data Source=:memory:"), "SELECT json(@v || ' {')");

    [SkippableFact]
    public void Parameters_Postgres_NoValueExportedWithoutRecordParameters()
    {
        var connectionString = PostgresServer.Require();
        AssertNoParameterLeak("PostgreSQL", () => new NpgsqlConnection(connectionString), "SELECT CAST(@v AS INTEGER)");
    }

    private void AssertNoLeak(string engine, Func<DbConnection> connect, IReadOnlyList<(string Sql, Secret Secret, string Template)> corpus)
    {
        using var metrics = new MetricAttributes();
        var exported = Export(connect, options => { }, connection =>
        {
            foreach (var (sql, _, _) in corpus)
            {
                Execute(connection, sql);
            }
        });
        var inMetrics = metrics.Values.Where(value => SecretCorpus.Secrets.Any(secret => secret.Pieces.Any(piece => value.Contains(piece, StringComparison.Ordinal)))).ToList();
        var leaks = ExportedData.Leaks(exported, SecretCorpus.Secrets, out var values);

        // The statements run one after another, so the spans come in the corpus's order.
        var leakingTemplates = corpus.Zip(exported)
            .Where(pair => ExportedData.Leaks([pair.Second], [pair.First.Secret], out _).Count > 0)
            .GroupBy(pair => pair.First.Template)
            .Select(group => $"{group.Key.Replace("\n", " ", StringComparison.Ordinal)} ({group.Count()} of {SecretCorpus.Secrets.Length} secrets), e.g. «{group.First().Second.GetTagItem("db.query.text")}»")
            .ToList();
        var caught = ExportedData.Leaks(
            Export(connect, options => options.QueryText = QueryTextMode.Raw, connection => Execute(connection, corpus[0].Sql)),
            [corpus[0].Secret],
            out _);

        output.Print($"{engine}, default options: {corpus.Count} statements with {SecretCorpus.Secrets.Length} secrets "
            + $"(passwords, tokens, emails, cards, national ids) as literals, {exported.Count} spans exported, {values:N0} exported values searched: "
            + $"{leaks.Count} leaks (the check, with QueryText = Raw: {caught.Count} found)");
        foreach (var template in leakingTemplates)
        {
            output.Print($"  leaks from {template}");
        }

        output.Print($"  metrics: {metrics.Measurements:N0} measurements, {metrics.Values.Count:N0} attribute values searched: {inMetrics.Count} leaks");
        Assert.Equal(corpus.Count, exported.Count);
        Assert.True(metrics.Measurements >= corpus.Count, $"only {metrics.Measurements} measurements for {corpus.Count} statements");
        Assert.True(inMetrics.Count == 0, $"secrets in metric attributes: {string.Join("; ", inMetrics.Take(5))}");
        Assert.NotEmpty(caught);
        Assert.True(leaks.Count == 0, $"{leaks.Count} leaks from {leakingTemplates.Count} statement shapes: {string.Join("; ", leakingTemplates)}");
    }

    // An INTEGER column refuses text and numbers past 32 bits in MariaDB's strict mode, naming the value.
    [SkippableFact]
    public void Parameters_MariaDb_NoValueExportedWithoutRecordParameters()
    {
        var connectionString = MariaDbConnectionString();
        AssertNoParameterLeak("MariaDB", () => new MySqlConnection(connectionString), "INSERT INTO vault (id) VALUES (@v)");
    }

    // MySqlConnector takes any @name outside what it reads as literals and comments for a parameter of its own, and
    // reads an executable comment's body as a comment: with user variables allowed, an email's @ that its reading puts
    // outside a literal reaches the server as written instead of failing the statement, traced or not.
    private static string MariaDbConnectionString()
        => new MySqlConnectionStringBuilder(MariaDbServer.Require()) { AllowUserVariables = true }.ConnectionString;

    // `failing`: a statement that fails on the value of @v.
    private void AssertNoParameterLeak(string engine, Func<DbConnection> connect, string failing)
    {
        var secrets = SecretCorpus.Secrets;
        void Run(DbConnection connection)
        {
            foreach (var secret in secrets)
            {
                Execute(connection, "INSERT INTO vault (id, secret) VALUES (@id, @v)", ("id", 1), ("v", secret.Value));
                Execute(connection, "SELECT id FROM vault WHERE secret = @v OR note = @v", ("v", secret.Value));
                Execute(connection, "UPDATE vault SET note = @v WHERE secret = @v", ("v", secret.Value));
            }
        }

        void RunFailing(DbConnection connection)
        {
            foreach (var secret in secrets)
            {
                Assert.ThrowsAny<DbException>(() => Execute(connection, failing, ("v", secret.Value)));
            }
        }

        var exported = Export(connect, options => { }, Run);
        var failed = Export(connect, options => options.RecordException = false, RunFailing);
        var leaks = ExportedData.Leaks(exported.Concat(failed), secrets, out var values);
        var caught = ExportedData.Leaks(Export(connect, options => options.RecordParameters = true, Run), secrets, out _);
        var inMessages = ExportedData.Leaks(Export(connect, options => { }, RunFailing), secrets, out _);

        output.Print($"{engine}, RecordParameters off: {exported.Count} parameterised statements with {secrets.Length} secrets as values, "
            + $"{failed.Count} failing ones (RecordException off), {values:N0} exported values searched: {leaks.Count} leaks "
            + $"(the check, with RecordParameters on: {caught.Count} found; the failing ones with RecordException on, the default: "
            + $"{inMessages.Count} found in exception messages)");
        Assert.Equal(secrets.Length * 3, exported.Count);
        Assert.Equal(secrets.Length, failed.Count);
        Assert.All(failed, span => Assert.Equal(ActivityStatusCode.Error, span.Status));
        Assert.NotEmpty(caught);
        Assert.True(leaks.Count == 0, $"{leaks.Count} leaks, first: {leaks.FirstOrDefault()}");
    }

    // Runs `work` on a traced connection (the README's registration) under a root span of this test, with an
    // OpenTelemetry tracer provider exporting to memory, and gives the library's spans of that root's trace.
    private static List<Activity> Export(Func<DbConnection> connect, Action<SqlTracingOptions> configure, Action<DbConnection> work)
    {
        var exported = new List<Activity>();
        ActivityTraceId traceId;
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(TestSpans.SourceName)
            .AddAopSqlTracing()
            .AddInMemoryExporter(exported)
            .Build())
        {
            var previous = Activity.Current;
            Activity.Current = null;
            using (var root = TestSpans.Source.StartActivity("secrets root") ?? throw new InvalidOperationException("not sampled"))
            {
                traceId = root.TraceId;
                var builder = new ContainerBuilder();
                builder.RegisterTracedDatabase(_ => connect(), configure).InstancePerLifetimeScope();
                using var container = builder.Build();
                using var scope = container.BeginLifetimeScope();
                var connection = scope.Resolve<DbConnection>();
                connection.Open();
                using (var create = connection.Unwrap().CreateCommand())
                {
                    create.CommandText = SecretCorpus.CreateTable;
                    create.ExecuteNonQuery();
                }

                work(connection);
            }

            Activity.Current = previous;
            Assert.True(provider.ForceFlush(5_000));
        }

        return [.. exported.Where(span => span.TraceId == traceId && span.Source.Name == SqlTracing.ActivitySourceName)];
    }

    private static void Execute(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
        }
    }
}
