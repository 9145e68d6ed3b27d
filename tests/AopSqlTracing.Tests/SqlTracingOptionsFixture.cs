namespace AopSqlTracing.Tests;

/// <summary>Options refuse values that mean nothing, and say which option and what is accepted.</summary>
public sealed class SqlTracingOptionsFixture
{
    [Fact]
    public void SpanNaming_UndefinedValue_ThrowsNamingTheOption()
    {
        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => new SqlTracingOptions { SpanNaming = (SqlSpanNaming)42 });

        Assert.Equal("SpanNaming", thrown.ParamName);
        Assert.Contains("StatementKind, QuerySummary", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QueryText_UndefinedValue_ThrowsNamingTheOption()
    {
        var options = new SqlTracingOptions();

        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => options.QueryText = (QueryTextMode)(-1));

        Assert.Equal("QueryText", thrown.ParamName);
        Assert.Equal(QueryTextMode.Sanitized, options.QueryText);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Lengths_NotPositive_ThrowNamingTheOption(int value)
    {
        var options = new SqlTracingOptions();

        Assert.Equal("MaxQueryTextLength", Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxQueryTextLength = value).ParamName);
        Assert.Equal("MaxParameterValueLength", Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxParameterValueLength = value).ParamName);
        Assert.Equal((4096, 256), (options.MaxQueryTextLength, options.MaxParameterValueLength));
    }

    [Fact]
    public void RegisterTracedDatabase_ConfigureSetsNonsense_FailsAtRegistration()
    {
        var builder = new global::Autofac.ContainerBuilder();

        var thrown = Assert.Throws<ArgumentOutOfRangeException>(
            () => builder.RegisterTracedDatabase(_ => new Microsoft.Data.Sqlite.SqliteConnection(), o => o.SpanNaming = (SqlSpanNaming)9));

        Assert.Equal("SpanNaming", thrown.ParamName);
    }
}
