using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Providers;
using AopSqlTracing.Tests.Support;

namespace AopSqlTracing.Tests.Execution;

/// <summary>SQL errors reach the caller unchanged; their spans are finished, marked as errors and carry the provider's code.</summary>
public abstract class ErrorSuite<TProvider> : ProviderFixture<TProvider>
    where TProvider : IDatabaseProvider, new()
{
    [SkippableFact]
    public void ConstraintViolation_SameExceptionAsUntraced_AndErrorSpanWithCode()
    {
        using var raw = OpenRaw();
        using var connection = Open();
        CreateUsers(raw);
        CreateUsers(connection);
        const string duplicate = "INSERT INTO users (name) VALUES ('Ada')";

        var untraced = Assert.ThrowsAny<DbException>(() => raw.Execute(duplicate));
        var traced = Assert.ThrowsAny<DbException>(() => connection.Execute(duplicate));

        Assert.Equal(untraced.GetType(), traced.GetType());
        Assert.Equal(untraced.Message, traced.Message);
        AssertErrorSpan(traced);
    }

    [SkippableFact]
    public void SyntaxError_SameExceptionAsUntraced_AndErrorSpan()
    {
        using var raw = OpenRaw();
        using var connection = Open();
        const string broken = "SELEC nothing FROM nowhere";

        var untraced = Assert.ThrowsAny<DbException>(() => raw.Execute(broken));
        var traced = Assert.ThrowsAny<DbException>(() => connection.Execute(broken));

        Assert.Equal(untraced.GetType(), traced.GetType());
        Assert.Equal(untraced.Message, traced.Message);
        var span = AssertErrorSpan(traced);
        Assert.Equal(Provider.SystemName, span.DisplayName); // no statement keyword: named by its engine
    }

    [SkippableFact]
    public void ThrownException_IsTheProvidersObject_WithItsOwnStack()
    {
        using var connection = Open();

        var error = Assert.ThrowsAny<DbException>(() => connection.Execute("SELECT * FROM missing_table"));

        Assert.DoesNotContain("Castle.Proxies", error.StackTrace!.Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains(Provider.CreateConnection().GetType().Namespace!, error.StackTrace, StringComparison.Ordinal);
        AssertErrorSpan(error);
    }

    private Activity AssertErrorSpan(DbException error)
    {
        var span = Assert.Single(Recorder.Spans);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(error.Message, span.StatusDescription);
        Assert.Equal(error.GetType().FullName, span.GetTagItem("error.type"));
        // PostgreSQL's SQLSTATE, SQLite's own error number (19 for a constraint, 1 for a syntax error), MariaDB's (1062, 1064).
        Assert.Equal(Provider.StatusCode(error), span.GetTagItem("db.response.status_code"));
        Assert.Contains(span.Events, e => e.Name == "exception");
        return span;
    }
}

public sealed class SqliteErrors : ErrorSuite<SqliteProvider>;

public sealed class PostgresErrors : ErrorSuite<PostgresProvider>;

public sealed class MariaDbErrors : ErrorSuite<MariaDbProvider>;
