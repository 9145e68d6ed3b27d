namespace AopSqlTracing.Statements;

/// <summary>
/// The few pieces of SQL grammar the classifier reads, each over the tokens of one <see cref="SqlLexer"/>: the
/// statement a <c>WITH</c> introduces, a schema object, the table after a keyword, whether one statement follows.
/// Only what a span name needs; anything else is named by its first keyword.
/// </summary>
internal static class StatementGrammar
{
    /// <summary>Finds the statement keyword a <c>WITH</c> introduces: the first DML word outside the common table expressions.</summary>
    public static bool TryFindTopLevelStatement(ref SqlLexer lexer, string text, out SqlToken statement)
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

    /// <summary>Reads what a <c>CREATE</c>, <c>DROP</c> or <c>ALTER</c> acts on (<c>CREATE TABLE</c>, <c>create_table</c>) and its name.</summary>
    public static bool TryReadSchemaObject(
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
    public static string? IdentifierAfterKeyword(ref SqlLexer lexer, string text, string keyword, string? skipped = null)
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
                    return ReadIdentifierSkipping(ref lexer, text, "ONLY", skipped ?? "ONLY");
                default:
                    break;
            }
        }

        return null;
    }

    /// <summary>
    /// The table a <c>SELECT</c> or <c>DELETE</c> reads first: the name after its <c>FROM</c>, unless a <c>(</c> follows it,
    /// which makes it a function (<c>FROM generate_series(1, 10)</c>, <c>FROM json_each(…)</c>), not a collection. SQL
    /// Server's old table hints, <c>FROM users (NOLOCK)</c>, are the exception.
    /// </summary>
    public static string? TableAfterFrom(ref SqlLexer lexer, string text)
    {
        var name = IdentifierAfterKeyword(ref lexer, text, "FROM", "LATERAL");
        var next = lexer;
        if (name is null || next.Next().Kind != SqlTokenKind.OpenParen)
        {
            return name;
        }

        var inside = next.Next();
        return inside.Kind == SqlTokenKind.Word && SqlDialectRules.IsTableHint(text.AsSpan(inside.Start, inside.Length), lexer.Dialect) ? name : null;
    }

    /// <summary>
    /// The procedure SQL Server's <c>EXEC[UTE]</c> runs: <c>EXEC shop.restock @n</c>, <c>EXEC @status = restock</c>; null
    /// when it runs text (<c>EXEC ('…')</c>) or a procedure named by a variable (<c>EXEC @name</c>).
    /// </summary>
    public static string? ProcedureAfterExecute(ref SqlLexer lexer, string text)
    {
        var copy = lexer;
        var token = copy.Next();
        if (token.Kind == SqlTokenKind.Placeholder)
        {
            var assignment = copy.Next();
            if (assignment.Kind != SqlTokenKind.Other || text[assignment.Start] != '=')
            {
                return null;
            }

            lexer = copy;
        }

        return ReadIdentifierSkipping(ref lexer, text);
    }

    /// <summary>Reads the (possibly dotted) name that comes next, stepping over the words in <paramref name="skipped"/>.</summary>
    public static string? ReadIdentifierSkipping(ref SqlLexer lexer, string text, params ReadOnlySpan<string> skipped)
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

    // "users", `users`, [users]: the quotes go, and a doubled quote inside is one; an unterminated one (the text ended inside it) has no closing quote.
    private static string Unquote(string text, SqlToken token)
    {
        if (token.Kind != SqlTokenKind.QuotedIdentifier)
        {
            return text.Substring(token.Start, token.Length);
        }

        var close = text[token.Start] == '[' ? ']' : text[token.Start];
        var closed = token.Length >= 2 && text[token.End - 1] == close;
        var name = text.Substring(token.Start + 1, token.Length - (closed ? 2 : 1));

        // A doubled closing quote inside is one character of the name: [order]]items] is order]items.
        Span<char> doubled = [close, close];
        return name.Contains(doubled, StringComparison.Ordinal) ? name.Replace(doubled.ToString(), close.ToString(), StringComparison.Ordinal) : name;
    }

    // A statement followed by `;` and nothing but trivia is one statement; anything after the `;` makes it a script.
    public static bool IsSingleStatement(ref SqlLexer lexer)
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

    /// <summary>Gets whether <paramref name="word"/> is <paramref name="keyword"/>, in any case.</summary>
    public static bool Is(ReadOnlySpan<char> word, string keyword) => word.Equals(keyword, StringComparison.OrdinalIgnoreCase);
}
