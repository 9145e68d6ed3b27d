using System.Collections.Frozen;

namespace AopSqlTracing.Statements;

/// <summary>
/// The words a statement of the engines we know can start with, for the statements the classifier has no grammar
/// for: such a statement is named by its first word (<c>PRAGMA</c>, <c>pragma</c>) only when that word is one of these,
/// so a text that starts with anything else (a value, a typo) never lends a span its name.
/// </summary>
internal static class StatementKeywords
{
    // Each keyword with its operation and kind, made once: a classification costs no string of its own.
    private static readonly FrozenDictionary<string, (string Operation, string Kind)> Kinds = new[]
    {
        "ABORT", "ALTER", "ANALYZE", "ANALYSE", "ATTACH", "BACKUP", "BEGIN", "BULK", "CALL", "CHECK", "CHECKPOINT",
        "CHECKSUM", "CLOSE", "CLUSTER", "COMMENT", "COMMIT", "COPY", "CREATE", "DBCC", "DEALLOCATE", "DECLARE", "DELETE",
        "DENY", "DESC", "DESCRIBE", "DETACH", "DISCARD", "DO", "DROP", "END", "EXEC", "EXECUTE", "EXPLAIN", "FETCH",
        "FLUSH", "GO", "GRANT", "HANDLER", "IF", "IMPORT", "INSERT", "KILL", "LISTEN", "LOAD", "LOCK", "MERGE", "MOVE",
        "NOTIFY", "OPEN", "OPTIMIZE", "PRAGMA", "PREPARE", "PRINT", "RAISERROR", "REASSIGN", "REFRESH", "REINDEX",
        "RELEASE", "RENAME", "REPAIR", "REPLACE", "RESET", "RESTORE", "RETURN", "REVOKE", "ROLLBACK", "SAVE", "SAVEPOINT",
        "SECURITY", "SELECT", "SET", "SETUSER", "SHOW", "SHUTDOWN", "START", "TABLE", "THROW", "TRUNCATE", "UNLISTEN",
        "UNLOCK", "UPDATE", "USE", "VACUUM", "VALUES", "WAITFOR", "WHILE", "WITH", "XA",
    }.ToFrozenDictionary(keyword => keyword, keyword => (keyword, keyword.ToLowerInvariant()), StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, (string Operation, string Kind)>.AlternateLookup<ReadOnlySpan<char>> ByText = Kinds.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// Gets the operation (the keyword in upper case, <c>PRAGMA</c>) and kind (in lower case, <c>pragma</c>) of a
    /// statement starting with <paramref name="word"/>, or false when the word starts no statement we know.
    /// </summary>
    public static bool TryGet(ReadOnlySpan<char> word, out string operation, out string kind)
    {
        if (ByText.TryGetValue(word, out var names))
        {
            (operation, kind) = names;
            return true;
        }

        operation = kind = string.Empty;
        return false;
    }
}
