using AopSqlTracing.Statements;

namespace AopSqlTracing.Tests.Statements;

/// <summary>A script is cut at the semicolons that end statements, never at one inside a literal, a comment or parentheses.</summary>
public sealed class StatementSplitterFixture
{
    [Fact]
    public void Split_EfCoreSaveChangesScript_GivesEachInsert()
    {
        const string script = "INSERT INTO \"orders\" (\"Item\") VALUES (@p0) RETURNING \"Id\";\nINSERT INTO \"orders\" (\"Item\") VALUES (@p1) RETURNING \"Id\";\n";

        var statements = StatementSplitter.Split(script, SqlDialect.Sqlite);

        Assert.Equal(
            ["INSERT INTO \"orders\" (\"Item\") VALUES (@p0) RETURNING \"Id\"", "INSERT INTO \"orders\" (\"Item\") VALUES (@p1) RETURNING \"Id\""],
            statements);
        var batch = BatchStatements.Of(statements, QueryTextMode.Sanitized, SqlDialect.Sqlite);
        Assert.Equal(("insert", "BATCH INSERT", 2), (batch.Name, batch.Operation, batch.Count));
    }

    [Theory]
    [InlineData("SELECT ';' FROM t")]
    [InlineData("SELECT 1 -- a; b\n")]
    [InlineData("SELECT (SELECT 1; )")]
    [InlineData("SELECT 1;")]
    [InlineData("")]
    public void Split_OneStatement_GivesNothingToSplit(string text)
        => Assert.Empty(StatementSplitter.Split(text, SqlDialect.Generic));

    [Fact]
    public void Split_MixedKinds_IsAMixedBatch()
    {
        var statements = StatementSplitter.Split("UPDATE t SET a = 1; DELETE FROM t WHERE a = 2", SqlDialect.PostgreSql);

        var batch = BatchStatements.Of(statements, QueryTextMode.Sanitized, SqlDialect.PostgreSql);

        Assert.Equal(("batch", "BATCH", 2), (batch.Name, batch.Operation, batch.Count));
        Assert.Equal("UPDATE t SET a = ?; DELETE FROM t WHERE a = ?", batch.Text);
    }
}
