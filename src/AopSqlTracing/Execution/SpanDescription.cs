using System.Data;
using System.Data.Common;
using AopSqlTracing.Statements;
using AopSqlTracing.Engines;
using System.Runtime.CompilerServices;

namespace AopSqlTracing.Execution;

/// <summary>
/// What the span of one command or one batch is called and carries, worked out from its text before the span
/// exists (the name and the sampler's tags are needed to create it). Commands and batches differ only here;
/// from this point on they take one tagging path. <see cref="Shape"/> is what tells repeated statements apart (the
/// sanitised text, or a procedure's name), only worked out while <see cref="SqlTracingOptions.RepeatedStatementThreshold"/> is on.
/// </summary>
internal readonly record struct SpanDescription(
    string Name,
    string? Operation,
    string? Summary,
    string? Collection,
    string? QueryText,
    string? ProcedureName,
    int BatchSize,
    string? Shape = null)
{
    /// <summary>
    /// Gets what a measurement reads its attributes from once the span has started, so an operation keeps one reference
    /// instead of this description: the command's <see cref="DescribedCommand"/> (attributes ready) when it ran this
    /// text before, else the <see cref="StatementInfo"/> or <see cref="BatchStatements"/> it was described from
    /// (<see cref="SqlMetrics.Record"/> reads operation, collection, summary and procedure from either).
    /// </summary>
    public object? Source { get; init; }

    // The steps that are not statements, described once as statements are (a measurement reads them as it reads one),
    // in the order of SqlDoor.ConnectionOperation.
    private static readonly StatementInfo[] Steps =
    [
        Step("open", null),
        Step("begin", "BEGIN"),
        Step("commit", "COMMIT"),
        Step("rollback", "ROLLBACK"),
        Step("savepoint", "SAVEPOINT"),
        Step("rollback_to_savepoint", "ROLLBACK TO SAVEPOINT"),
        Step("release_savepoint", "RELEASE SAVEPOINT"),
    ];

    /// <summary>Describes a command (<paramref name="batch"/> null) or a batch; false, reported, when that throws.</summary>
    /// <param name="command">The provider's command, or null for a batch.</param>
    /// <param name="batch">The provider's batch, or null for a command.</param>
    /// <param name="facts">The facts of the connection it runs on.</param>
    /// <param name="options">The traced database's options.</param>
    /// <param name="memory">The command's last classification and description, reused while its text is the same string.</param>
    /// <param name="scriptAsBatch">Whether a command of several statements is described as the batch of them (an ORM's command).</param>
    /// <param name="description">What runs.</param>
    public static bool TryDescribe(
        DbCommand? command, DbBatch? batch, ConnectionFacts facts, SqlTracingOptions options, ref CommandMemory memory, bool scriptAsBatch, out SpanDescription description)
    {
        try
        {
            description = command is null ? ForBatch(BatchStatements.Of(batch!, options.QueryText, facts.Engine.Dialect), facts, options)
                : scriptAsBatch && ScriptStatements(command, facts) is { Count: > 1 } statements
                    ? ForBatch(BatchStatements.Of(statements, options.QueryText, facts.Engine.Dialect), facts, options)
                    : ForCommand(command, facts, options, ref memory);
            return true;
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("classify", exception);
            description = default;
            return false;
        }
    }

    /// <summary>
    /// Describes a step that is not a statement: named by its kind as statements are (<c>commit</c>; under
    /// <see cref="SqlSpanNaming.QuerySummary"/>, <c>COMMIT</c>), with the operation as <c>db.operation.name</c> and
    /// summary; opening a connection has no operation (it runs no statement), so it is <c>open</c> under either naming.
    /// </summary>
    public static SpanDescription ForConnectionOperation(SqlDoor.ConnectionOperation operation, SqlTracingOptions options)
    {
        var step = Steps[(int)operation];
        var name = step.Operation;
        return new SpanDescription(
            name is not null && options.SpanNaming == SqlSpanNaming.QuerySummary ? name : step.Kind!, name, name, null, null, null, 0) { Source = step };
    }

    /// <param name="command">The provider's command.</param>
    /// <param name="facts">The facts of the connection it runs on.</param>
    /// <param name="options">The traced database's options.</param>
    /// <param name="memory">The command's last classification and description, reused while its text is the same string.</param>
    private static SpanDescription ForCommand(DbCommand command, ConnectionFacts facts, SqlTracingOptions options, ref CommandMemory memory)
    {
        var text = command.CommandText;
        var type = command.CommandType;
        if (memory.Described is { } described && described.Fits(text, type, facts, options))
        {
            return described.Description;
        }

        if (type == CommandType.StoredProcedure)
        {
            var procedure = StatementInfo.ForProcedure(text, facts.Engine.Dialect);
            return new SpanDescription(
                NameOf(procedure.Kind, procedure.Summary, facts, options), procedure.Operation, procedure.Summary, null, null, procedure.Procedure, 0,
                options.RepeatedStatementThreshold > 0 ? procedure.NormalizedText : null) { Source = procedure };
        }

        var again = memory.LastStatement is { } last && ReferenceEquals(last.SourceText, text) && text is not null;
        var statement = StatementClassifier.Classify(text, facts.Engine.Dialect, ref memory.LastStatement);
        var description = new SpanDescription(
            NameOf(statement.Kind, statement.Summary, facts, options),
            statement.Operation,
            statement.Summary,
            statement.Collection,
            options.QueryText == QueryTextMode.None ? null : QueryTexts.Cut(QueryTexts.Of(statement, options.QueryText), options.MaxQueryTextLength),
            statement.Procedure,
            0,
            options.RepeatedStatementThreshold > 0 ? statement.SanitizedText : null) { Source = statement };

        // The second run of a text makes its description to keep: a command run once allocates nothing for it.
        return again && type == CommandType.Text ? (memory.Described = new DescribedCommand(text!, facts, options, description)).Description : description;
    }

    // Only a text that is not one recognisable statement is cut up: the common single statement costs its look-up only.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IReadOnlyList<string>? ScriptStatements(DbCommand command, ConnectionFacts facts)
        => command.CommandType == CommandType.Text && command.CommandText is { Length: > 0 } text
            && StatementClassifier.Classify(text, facts.Engine.Dialect).Operation is null
                ? StatementSplitter.Split(text, facts.Engine.Dialect)
                : null;

    /// <param name="statements">The batch's statements, described.</param>
    /// <param name="facts">The facts of the connection it runs on.</param>
    /// <param name="options">The traced database's options.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static SpanDescription ForBatch(BatchStatements statements, ConnectionFacts facts, SqlTracingOptions options)
    {
        return new SpanDescription(
            NameOf(statements.Name, statements.Summary, facts, options),
            statements.Operation,
            statements.Summary,
            statements.Collection,
            options.QueryText == QueryTextMode.None ? null : QueryTexts.Cut(statements.Text, options.MaxQueryTextLength),
            null,
            statements.Count) { Source = statements };
    }

    private static StatementInfo Step(string kind, string? name) => new(kind, name, null, kind) { Summary = name };

    // The conventions' name is the summary; the seed's, the statement's kind. Text that starts with no statement
    // keyword has neither, and is named by its engine, as the conventions say.
    private static string NameOf(string? kind, string? summary, ConnectionFacts facts, SqlTracingOptions options)
        => (options.SpanNaming == SqlSpanNaming.StatementKind ? kind : summary) ?? facts.Engine.SystemName;
}
