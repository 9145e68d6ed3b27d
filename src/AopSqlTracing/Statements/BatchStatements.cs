using System.Data.Common;

namespace AopSqlTracing.Statements;

/// <summary>
/// What a batch's span is called and carries: the statements' common kind (or <c>batch</c> when they differ; null
/// when none starts with a statement keyword),
/// <c>BATCH INSERT</c>-style operation name per the OpenTelemetry conventions, and the texts joined.
/// </summary>
internal sealed record BatchStatements(string? Name, string Operation, string? Collection, string Text, int Count)
{
    public const string MixedName = "batch";

    /// <summary>Gets the OpenTelemetry summary: <c>BATCH INSERT users</c>, or <c>BATCH</c> when the commands differ.</summary>
    public string Summary => Operation == "BATCH" ? Operation : StatementParts.SummaryOf(Operation, Collection)!;

    /// <summary>Describes <paramref name="batch"/>, each command read by <paramref name="dialect"/>'s rules.</summary>
    public static BatchStatements Of(DbBatch batch, QueryTextMode textMode, SqlDialect dialect)
        => Of(batch.BatchCommands.Select(command => command.CommandText).ToArray(), textMode, dialect);

    /// <summary>Describes the statements of one batch or script, each read by <paramref name="dialect"/>'s rules.</summary>
    public static BatchStatements Of(IReadOnlyList<string> statements, QueryTextMode textMode, SqlDialect dialect)
    {
        if (statements.Count == 0)
        {
            return new BatchStatements(MixedName, "BATCH", null, string.Empty, 0);
        }

        var first = StatementClassifier.Classify(statements[0], dialect);
        var sameKind = true;
        var sameCollection = true;
        var texts = new string[statements.Count];
        texts[0] = QueryTexts.Of(first, textMode);
        for (var i = 1; i < statements.Count; i++)
        {
            var statement = StatementClassifier.Classify(statements[i], dialect);
            texts[i] = QueryTexts.Of(statement, textMode);
            sameKind &= statement.Kind == first.Kind;
            sameCollection &= statement.Collection == first.Collection;
        }

        var name = sameKind ? first.Kind : MixedName;
        var operation = !sameKind || first.Operation is null ? "BATCH"
            : statements.Count == 1 ? first.Operation
            : "BATCH " + first.Operation;
        return new BatchStatements(name, operation, sameCollection ? first.Collection : null, string.Join("; ", texts), statements.Count);
    }
}
