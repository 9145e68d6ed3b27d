using System.Collections.Concurrent;
using static AopSqlTracing.Statements.StatementGrammar;

namespace AopSqlTracing.Statements;

/// <summary>
/// Tells the kind, operation and first table of a SQL text, once per distinct text: commands repeat, so the
/// answer is cached in a bounded cache and the per-command cost is one dictionary look-up.
/// </summary>
internal static class StatementClassifier
{
    private const int MaxCachedEntries = 4096;
    private const int MaxCachedTextLength = 8192;

    // One cache per dialect, indexed by it: the same text can be a different statement on another engine.
    private static readonly ConcurrentDictionary<string, StatementInfo>[] Caches =
        [.. Enum.GetValues<SqlDialect>().Select(_ => new ConcurrentDictionary<string, StatementInfo>(StringComparer.Ordinal))];

    private static readonly StatementInfo Empty = new(null, null, null, string.Empty);
    private static int _cachedCount;

    /// <summary>
    /// Classifies <paramref name="text"/> by <paramref name="dialect"/>'s rules, reusing <paramref name="last"/> when
    /// it was made from this very string with the same rules.
    /// </summary>
    public static StatementInfo Classify(string? text, SqlDialect dialect, ref StatementInfo? last)
    {
        if (last is { } known && ReferenceEquals(known.SourceText, text) && known.Dialect == dialect)
        {
            return known;
        }

        return last = Classify(text, dialect);
    }

    /// <summary>Classifies <paramref name="text"/> by <paramref name="dialect"/>'s rules, once per distinct text and dialect.</summary>
    public static StatementInfo Classify(string? text, SqlDialect dialect)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Empty;
        }

        if ((uint)dialect >= (uint)Caches.Length)
        {
            dialect = SqlDialect.Generic;
        }

        var cache = Caches[(int)dialect];
        if (cache.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var info = Analyze(text, dialect);

        // Bounded without locking: once full, new texts are classified each time instead of evicting.
        if (text.Length <= MaxCachedTextLength && Volatile.Read(ref _cachedCount) < MaxCachedEntries && cache.TryAdd(text, info))
        {
            Interlocked.Increment(ref _cachedCount);
        }

        return info;
    }

    /// <summary>Classifies <paramref name="text"/> without the cache: what <see cref="Classify(string?, SqlDialect)"/> stores.</summary>
    internal static StatementInfo Analyze(string text, SqlDialect dialect = SqlDialect.Generic)
    {
        var normalized = QueryTextNormalizer.Normalize(text, dialect);
        var statement = Read(text, dialect, out var single);
        if (!single && ScriptSummary.Of(text, dialect) is { } script)
        {
            return new StatementInfo(script.Kind, null, null, normalized) { Summary = script.Summary, SourceText = text, Dialect = dialect };
        }

        return new StatementInfo(statement.Kind, statement.Operation, statement.Collection, normalized)
        {
            Procedure = statement.Procedure,
            SourceText = text,
            Dialect = dialect,
        };
    }

    /// <summary>
    /// Reads the statement <paramref name="text"/> starts with, and whether it is the only one. A statement this has
    /// no grammar for is named by its first keyword; a text starting with none has no name at all.
    /// </summary>
    internal static StatementParts Read(string text, SqlDialect dialect, out bool single)
    {
        var lexer = new SqlLexer(text, dialect);
        var first = lexer.Next();

        // (SELECT …) UNION (SELECT …): the statement's keyword is inside the parentheses.
        while (first.Kind == SqlTokenKind.OpenParen)
        {
            first = lexer.Next();
        }

        if (first.Kind != SqlTokenKind.Word)
        {
            single = first.Kind == SqlTokenKind.End || IsSingleStatement(ref lexer);
            return default;
        }

        var afterFirst = lexer;
        var statement = ReadKnown(ref lexer, text, first);
        if (statement.Kind is null)
        {
            // No grammar for it (or the grammar found none): named by its first word, read again from there.
            lexer = afterFirst;
            statement = StatementKeywords.TryGet(text.AsSpan(first.Start, first.Length), out var operation, out var kind)
                ? new StatementParts(kind, operation, null, null)
                : default;
        }

        single = IsSingleStatement(ref lexer);
        return statement;
    }

    private static StatementParts ReadKnown(ref SqlLexer lexer, string text, SqlToken first)
    {
        var word = text.AsSpan(first.Start, first.Length);
        if (Is(word, "WITH"))
        {
            // The statement a WITH introduces is the first DML keyword outside the common table expressions.
            if (!TryFindTopLevelStatement(ref lexer, text, out first))
            {
                return default;
            }

            word = text.AsSpan(first.Start, first.Length);
        }

        if (Is(word, "SELECT") || Is(word, "VALUES"))
        {
            return new("select", "SELECT", Is(word, "SELECT") ? TableAfterFrom(ref lexer, text) : null, null);
        }

        if (Is(word, "INSERT") || Is(word, "REPLACE"))
        {
            return new("insert", "INSERT", IdentifierAfterKeyword(ref lexer, text, "INTO"), null);
        }

        if (Is(word, "UPDATE"))
        {
            return new("update", "UPDATE", ReadIdentifierSkipping(ref lexer, text, "OR", "ONLY"), null);
        }

        if (Is(word, "DELETE"))
        {
            return new("delete", "DELETE", TableAfterFrom(ref lexer, text), null);
        }

        if (Is(word, "CREATE") || Is(word, "DROP") || Is(word, "ALTER"))
        {
            return TryReadSchemaObject(ref lexer, text, word, out var operation, out var kind, out var collection)
                ? new(kind, operation, collection, null)
                : default;
        }

        if (Is(word, "TRUNCATE"))
        {
            return new("truncate", "TRUNCATE", ReadIdentifierSkipping(ref lexer, text, "TABLE", "ONLY"), null);
        }

        if (Is(word, "CALL"))
        {
            return new("call", "CALL", null, ReadIdentifierSkipping(ref lexer, text));
        }

        if ((Is(word, "EXEC") || Is(word, "EXECUTE")) && SqlDialectRules.ExecutesProcedures(lexer.Dialect))
        {
            return new("execute", "EXECUTE", null, ProcedureAfterExecute(ref lexer, text));
        }

        return default;
    }
}
