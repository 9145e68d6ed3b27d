using System.Collections.Concurrent;

namespace AopSqlTracing.Statements;

/// <summary>
/// Tells the kind, operation and first table of a SQL text, once per distinct text: commands repeat, so the
/// answer is cached in a bounded cache and the per-command cost is one dictionary look-up.
/// </summary>
internal static class StatementClassifier
{
    private const int MaxCachedEntries = 4096;
    private const int MaxCachedTextLength = 8192;

    private static readonly ConcurrentDictionary<string, StatementInfo> Cache = new(StringComparer.Ordinal);
    private static readonly StatementInfo Empty = new(StatementInfo.TextClause, null, null, string.Empty);
    private static int _cachedCount;

    /// <summary>Classifies <paramref name="text"/>, reusing <paramref name="last"/> when it was made from this very string.</summary>
    public static StatementInfo Classify(string? text, ref StatementInfo? last)
    {
        if (last is { } known && ReferenceEquals(known.SourceText, text))
        {
            return known;
        }

        return last = Classify(text);
    }

    public static StatementInfo Classify(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Empty;
        }

        if (Cache.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var info = Analyze(text) with { SourceText = text };

        // Bounded without locking: once full, new texts are classified each time instead of evicting.
        if (text.Length <= MaxCachedTextLength && Volatile.Read(ref _cachedCount) < MaxCachedEntries && Cache.TryAdd(text, info))
        {
            Interlocked.Increment(ref _cachedCount);
        }

        return info;
    }

    internal static StatementInfo Analyze(string text)
    {
        var normalized = QueryTextNormalizer.Normalize(text);
        var lexer = new SqlLexer(text);
        var first = lexer.Next();
        if (first.Kind != SqlTokenKind.Word)
        {
            return TextClause(normalized);
        }

        var word = text.AsSpan(first.Start, first.Length);
        if (Is(word, "WITH"))
        {
            // The statement a WITH introduces is the first DML keyword outside the common table expressions.
            if (!TryFindTopLevelStatement(ref lexer, text, out first))
            {
                return TextClause(normalized);
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
                return TextClause(normalized);
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
            return TextClause(normalized);
        }

        return IsSingleStatement(ref lexer) && kind is not null
            ? new StatementInfo(kind, operation, collection, normalized)
            : TextClause(normalized);
    }

    private static StatementInfo TextClause(string normalized) => new(StatementInfo.TextClause, null, null, normalized);

    private static bool TryFindTopLevelStatement(ref SqlLexer lexer, string text, out SqlToken statement)
    {
        var depth = 0;
        for (var token = lexer.Next(); token.Kind != SqlTokenKind.End; token = lexer.Next())
        {
            switch (token.Kind)
            {
                case SqlTokenKind.OpenParen:
                    depth++;
                    break;
                case SqlTokenKind.CloseParen:
                    depth = Math.Max(0, depth - 1);
                    break;
                case SqlTokenKind.Semicolon when depth == 0:
                    statement = default;
                    return false;
                case SqlTokenKind.Word when depth == 0 && IsDmlKeyword(text.AsSpan(token.Start, token.Length)):
                    statement = token;
                    return true;
                default:
                    break;
            }
        }

        statement = default;
        return false;
    }

    private static bool IsDmlKeyword(ReadOnlySpan<char> word)
        => Is(word, "SELECT") || Is(word, "INSERT") || Is(word, "UPDATE") || Is(word, "DELETE") || Is(word, "VALUES");

    private static bool TryReadSchemaObject(
        ref SqlLexer lexer, string text, ReadOnlySpan<char> verb, out string? operation, out string? kind, out string? collection)
    {
        operation = kind = collection = null;
        var token = lexer.Next();
        while (token.Kind == SqlTokenKind.Word && IsObjectModifier(text.AsSpan(token.Start, token.Length)))
        {
            token = lexer.Next();
        }

        if (token.Kind != SqlTokenKind.Word)
        {
            return false;
        }

        var objectType = SchemaObjectName(text.AsSpan(token.Start, token.Length));
        if (objectType is null)
        {
            return false;
        }

        var verbName = Is(verb, "CREATE") ? "CREATE" : Is(verb, "DROP") ? "DROP" : "ALTER";
        operation = string.Concat(verbName, " ", objectType);
        kind = string.Concat(verbName.ToLowerInvariant(), "_", objectType.ToLowerInvariant());
        collection = objectType switch
        {
            "TABLE" or "VIEW" => ReadIdentifierSkipping(ref lexer, text, "IF", "NOT", "EXISTS", "ONLY"),
            "INDEX" when verbName == "CREATE" => IdentifierAfterKeyword(ref lexer, text, "ON"),
            _ => null,
        };
        return true;
    }

    private static bool IsObjectModifier(ReadOnlySpan<char> word)
        => Is(word, "OR") || Is(word, "REPLACE") || Is(word, "TEMP") || Is(word, "TEMPORARY") || Is(word, "UNIQUE")
            || Is(word, "VIRTUAL") || Is(word, "MATERIALIZED") || Is(word, "UNLOGGED") || Is(word, "GLOBAL")
            || Is(word, "LOCAL") || Is(word, "RECURSIVE");

    private static string? SchemaObjectName(ReadOnlySpan<char> word)
    {
        ReadOnlySpan<string> known = ["TABLE", "INDEX", "VIEW", "TRIGGER", "SCHEMA", "SEQUENCE", "DATABASE", "FUNCTION", "PROCEDURE", "TYPE", "EXTENSION"];
        foreach (var name in known)
        {
            if (Is(word, name))
            {
                return name;
            }
        }

        return null;
    }

    // The first identifier after `keyword` at the statement's own nesting level: `FROM users`, `INTO users`.
    private static string? IdentifierAfterKeyword(ref SqlLexer lexer, string text, string keyword)
    {
        var depth = 0;
        for (var token = lexer.Next(); token.Kind != SqlTokenKind.End; token = lexer.Next())
        {
            switch (token.Kind)
            {
                case SqlTokenKind.OpenParen:
                    depth++;
                    break;
                case SqlTokenKind.CloseParen:
                    depth--;
                    break;
                case SqlTokenKind.Semicolon when depth <= 0:
                    lexer.SkipTo(token.Start);
                    return null;
                case SqlTokenKind.Word when depth == 0 && Is(text.AsSpan(token.Start, token.Length), keyword):
                    return ReadIdentifierSkipping(ref lexer, text, "ONLY");
                default:
                    break;
            }
        }

        return null;
    }

    private static string? ReadIdentifierSkipping(ref SqlLexer lexer, string text, params ReadOnlySpan<string> skipped)
    {
        var token = lexer.Next();
        while (token.Kind == SqlTokenKind.Word && IsAny(text.AsSpan(token.Start, token.Length), skipped))
        {
            // `UPDATE OR REPLACE users`: the word after OR belongs to it.
            var wasOr = Is(text.AsSpan(token.Start, token.Length), "OR");
            token = lexer.Next();
            if (wasOr && token.Kind == SqlTokenKind.Word)
            {
                token = lexer.Next();
            }
        }

        if (token.Kind is not (SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier))
        {
            if (token.Kind == SqlTokenKind.Semicolon)
            {
                lexer.SkipTo(token.Start);
            }

            return null;
        }

        var name = Unquote(text, token);
        var copy = lexer;
        while (copy.Next().Kind == SqlTokenKind.Dot)
        {
            var part = copy.Next();
            if (part.Kind is not (SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier))
            {
                break;
            }

            name = string.Concat(name, ".", Unquote(text, part));
            lexer = copy;
        }

        return name;
    }

    private static string Unquote(string text, SqlToken token)
        => token.Kind == SqlTokenKind.QuotedIdentifier && token.Length >= 2
            ? text.Substring(token.Start + 1, token.Length - 2)
            : text.Substring(token.Start, token.Length);

    // A statement followed by `;` and nothing but trivia is one statement; anything after the `;` makes it a script.
    private static bool IsSingleStatement(ref SqlLexer lexer)
    {
        var depth = 0;
        for (var token = lexer.Next(); token.Kind != SqlTokenKind.End; token = lexer.Next())
        {
            if (token.Kind == SqlTokenKind.OpenParen)
            {
                depth++;
            }
            else if (token.Kind == SqlTokenKind.CloseParen)
            {
                depth--;
            }
            else if (token.Kind == SqlTokenKind.Semicolon && depth <= 0)
            {
                return OnlySemicolonsFollow(ref lexer);
            }
        }

        return true;
    }

    private static bool OnlySemicolonsFollow(ref SqlLexer lexer)
    {
        for (var token = lexer.Next(); token.Kind != SqlTokenKind.End; token = lexer.Next())
        {
            if (token.Kind != SqlTokenKind.Semicolon)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAny(ReadOnlySpan<char> word, ReadOnlySpan<string> candidates)
    {
        foreach (var candidate in candidates)
        {
            if (Is(word, candidate))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Is(ReadOnlySpan<char> word, string keyword) => word.Equals(keyword, StringComparison.OrdinalIgnoreCase);
}
