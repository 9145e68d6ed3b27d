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

    private static readonly StatementInfo Empty = new(StatementInfo.TextClause, null, null, string.Empty);
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
        var lexer = new SqlLexer(text, dialect);
        var first = lexer.Next();
        if (first.Kind != SqlTokenKind.Word)
        {
            return TextClause(text, normalized, dialect);
        }

        var word = text.AsSpan(first.Start, first.Length);
        if (Is(word, "WITH"))
        {
            // The statement a WITH introduces is the first DML keyword outside the common table expressions.
            if (!TryFindTopLevelStatement(ref lexer, text, out first))
            {
                return TextClause(text, normalized, dialect);
            }

            word = text.AsSpan(first.Start, first.Length);
        }

        string? operation;
        string? kind;
        string? collection;
        if (Is(word, "SELECT") || Is(word, "VALUES"))
        {
            operation = "SELECT";
            kind = "select";
            collection = Is(word, "SELECT") ? IdentifierAfterKeyword(ref lexer, text, "FROM") : null;
        }
        else if (Is(word, "INSERT") || Is(word, "REPLACE"))
        {
            operation = "INSERT";
            kind = "insert";
            collection = IdentifierAfterKeyword(ref lexer, text, "INTO");
        }
        else if (Is(word, "UPDATE"))
        {
            operation = "UPDATE";
            kind = "update";
            collection = ReadIdentifierSkipping(ref lexer, text, "OR", "ONLY");
        }
        else if (Is(word, "DELETE"))
        {
            operation = "DELETE";
            kind = "delete";
            collection = IdentifierAfterKeyword(ref lexer, text, "FROM");
        }
        else if (Is(word, "CREATE") || Is(word, "DROP") || Is(word, "ALTER"))
        {
            if (!TryReadSchemaObject(ref lexer, text, word, out operation, out kind, out collection))
            {
                return TextClause(text, normalized, dialect);
            }
        }
        else if (Is(word, "TRUNCATE"))
        {
            operation = "TRUNCATE";
            kind = "truncate";
            collection = ReadIdentifierSkipping(ref lexer, text, "TABLE", "ONLY");
        }
        else
        {
            return TextClause(text, normalized, dialect);
        }

        return IsSingleStatement(ref lexer) && kind is not null
            ? new StatementInfo(kind, operation, collection, normalized) { SourceText = text, Dialect = dialect }
            : TextClause(text, normalized, dialect);
    }

    private static StatementInfo TextClause(string text, string normalized, SqlDialect dialect)
        => new(StatementInfo.TextClause, null, null, normalized) { SourceText = text, Dialect = dialect };
}
