using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Reliability.Faults;
using AopSqlTracing.Reliability.Support;
using Autofac;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace AopSqlTracing.Reliability.Hostile;

/// <summary>
/// Arbitrary, hostile statement text run through traced commands (the classifier and the sanitiser behind the
/// public API): every call returns or throws exactly what it does untraced, and gets one finished span whose
/// <c>db.query.text</c> is within its bound. Each text runs on SQLite (executed for real) and on an Npgsql
/// connection that was never opened (the provider refuses at once, after the span has classified and sanitised it).
/// With sqlcommenter on, the text sent differs by design, and a provider's message quoting a malformed statement
/// quotes the comment too: there the value, or the exception's type, must be the same, and the command's text
/// must be back as the caller set it.
/// </summary>
public sealed class HostileInputProperties(ITestOutputHelper output)
{
    private const string NeverOpened = "Host=127.0.0.1;Port=1;Database=none";

    [Theory]
    [InlineData("default options")]
    [InlineData("QuerySummary names, raw text")]
    [InlineData("sqlcommenter")]
    public void AnyText_TracedCommand_SameOutcomeAsUntracedAndOneSpan(string variant)
    {
        var cases = Soak.Size(ci: 2_000, soak: 100_000);
        using var recorder = new SpanRecorder();
        void Configure(SqlTracingOptions options)
        {
            if (variant == "sqlcommenter")
            {
                options.PropagateContext = true;
            }
            else if (variant != "default options")
            {
                options.SpanNaming = SqlSpanNaming.QuerySummary;
                options.QueryText = QueryTextMode.Raw;
            }
        }

        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection(Runs.InMemory), Configure).Keyed<DbConnection>("sqlite").InstancePerLifetimeScope();
        builder.RegisterTracedDatabase(_ => new NpgsqlConnection(NeverOpened), Configure).Keyed<DbConnection>("npgsql").InstancePerLifetimeScope();
        using var container = builder.Build();
        using var scope = container.BeginLifetimeScope();
        var tracedSqlite = scope.ResolveKeyed<DbConnection>("sqlite");
        tracedSqlite.Open();
        var tracedNpgsql = scope.ResolveKeyed<DbConnection>("npgsql");
        using var rawSqlite = new SqliteConnection(Runs.InMemory);
        rawSqlite.Open();
        using var rawNpgsql = new NpgsqlConnection(NeverOpened);
        var ran = 0;
        var executed = 0;
        var rejected = 0;
        var messagesDiffer = 0;
        var longest = 0;
        var stopwatch = Stopwatch.StartNew();

        // Both SQLite connections get the same statements in the same order, so their databases stay equal.
        // Microsoft.Data.Sqlite spins for ever on a NUL where a statement starts (untraced as much as traced),
        // so text with NUL characters goes to Npgsql only.
        var property = Prop.ForAll(HostileText.Arbitrary(), text =>
        {
            ran++;
            longest = Math.Max(longest, text.Length);
            var exact = variant != "sqlcommenter";
            var same = SameAsUntraced(recorder, rawNpgsql, tracedNpgsql, text, exact, out _, out _);
            if (!text.Contains('\0', StringComparison.Ordinal))
            {
                executed++;
                same &= SameAsUntraced(recorder, rawSqlite, tracedSqlite, text, exact, out var failed, out var differs);
                rejected += failed ? 1 : 0;
                messagesDiffer += differs ? 1 : 0;
            }

            return same;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true).WithEndSize(200), property);

        output.Print($"hostile text, {variant} ({Soak.Mode} size): {ran:N0} statements up to {longest:N0} characters; "
            + $"{executed:N0} executed on SQLite ({rejected:N0} rejected by it), all {ran:N0} on a closed Npgsql connection; "
            + (variant == "sqlcommenter"
                ? $"every value and exception type equal to untraced ({messagesDiffer:N0} SQLite messages quote the comment)"
                : "every outcome equal to untraced")
            + $", one finished span each, in {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.True(ran >= cases);
    }

    // Found by the property above: placeholders with no parameter added. Microsoft.Data.Sqlite names the missing
    // parameters only if the command's parameter collection was ever created, which reading it does.
    [Theory]
    [InlineData("SELECT @p")]
    [InlineData("SELECT ?1")]
    [InlineData("SELECT :a, $b")]
    public void UnboundParameters_Sqlite_SameExceptionAsUntraced(string text)
    {
        // Listening, so the command is traced and its span tagged.
        using var recorder = new SpanRecorder();
        using var container = Runs.Container();
        using var scope = container.BeginLifetimeScope();
        var traced = scope.Resolve<DbConnection>();
        traced.Open();
        using var raw = new SqliteConnection(Runs.InMemory);
        raw.Open();

        var untraced = Run(raw, text, out _);
        var outcome = Run(traced, text, out _);

        output.Print($"«{text}» with no parameter added: untraced «{untraced}», traced «{outcome}»");
        Assert.StartsWith("threw System.InvalidOperationException", untraced, StringComparison.Ordinal);
        Assert.Equal(untraced, outcome);
    }

    private static bool SameAsUntraced(SpanRecorder recorder, DbConnection raw, DbConnection traced, string text, bool exact, out bool failed, out bool messageDiffers)
    {
        recorder.Clear();
        var untraced = Run(raw, text, out _);
        var outcome = Run(traced, text, out var textAfter);
        var spans = recorder.Spans;
        failed = Outcomes.IsError(untraced);
        messageDiffers = outcome != untraced;
        var problem = (exact ? outcome == untraced : Kind(outcome) == Kind(untraced)) ? null : $"untraced «{untraced}», traced «{outcome}»";
        problem ??= textAfter == text ? null : $"CommandText left as «{textAfter}»";
        problem ??= spans.Count == 1 && recorder.Unfinished.Count == 0 ? null : $"{spans.Count} spans finished, {recorder.Unfinished.Count} open";
        problem ??= spans[0].GetTagItem("db.query.text") is string { Length: <= 4096 } ? null : $"db.query.text «{spans[0].GetTagItem("db.query.text")}»";
        problem ??= spans[0].Status == (Outcomes.IsError(outcome) ? ActivityStatusCode.Error : ActivityStatusCode.Unset) ? null : $"span status {spans[0].Status} for «{outcome}»";

        // Thrown, so FsCheck shows what went wrong beside the text it shrank to.
        return problem is null ? true : throw new InvalidOperationException($"{raw.GetType().Name}: {problem}");
    }

    private static string Run(DbConnection connection, string text, out string textAfter)
    {
        using var command = connection.CreateCommand();
        command.CommandText = text;
        var outcome = Outcomes.Of(() => command.ExecuteScalar());
        textAfter = command.CommandText;
        return outcome;
    }

    // A value as it is; an exception by its type only.
    private static string Kind(string outcome) => Outcomes.IsError(outcome) ? outcome[..outcome.IndexOf(':', StringComparison.Ordinal)] : outcome;
}
