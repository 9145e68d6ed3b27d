using static AopSqlTracing.Statements.StatementGrammar;

namespace AopSqlTracing.Statements;

/// <summary>
/// Finds the values of settings written as a bare word or a quoted name: PostgreSQL's
/// <c>SET [SESSION | LOCAL] name TO value</c> (and <c>ALTER ROLE … SET name = value</c>), MySQL's and MariaDB's
/// <c>SET [@@session.]name = value, …</c>, SQLite's <c>PRAGMA name = value</c>. The engine takes such a word as a
/// literal, not a name, and it is where applications put keys and tokens, so the sanitiser replaces it as it does
/// strings and numbers.
/// </summary>
/// <remarks>
/// Fed every token of a text in order. A value is a word standing alone at the statement's own level, between the
/// assignment (<c>=</c>, <c>:=</c>, <c>TO</c>) or a comma and a comma, a semicolon, the end, or the <c>FOR</c> of
/// MariaDB's <c>SET STATEMENT … FOR</c>: a word followed by anything else is a setting's name, a function or part of
/// an expression. Only statements that set settings are read so: an <c>UPDATE</c>'s <c>SET a = b</c> assigns columns.
/// </remarks>
internal struct SettingValues(string text)
{
    private readonly string _text = text;
    private Stage _stage;
    private int _depth;
    private bool _assigned;
    private bool _afterSeparator;

    private enum Stage
    {
        StatementStart,
        NotSettings,
        AfterAlter,
        BeforeSet,
        Settings,
    }

    /// <summary>
    /// Reads <paramref name="token"/>, the next token of the text, and tells whether it is a setting's value written
    /// as a word; <paramref name="following"/> is the lexer just past it (a copy: looking ahead moves nothing).
    /// </summary>
    public bool IsBareValue(SqlToken token, SqlLexer following)
    {
        var separated = _afterSeparator;
        _afterSeparator = false;
        if (token.Kind == SqlTokenKind.Semicolon && _depth == 0)
        {
            (_stage, _assigned) = (Stage.StatementStart, false);
            return false;
        }

        var stage = _stage;
        _depth = token.Kind switch
        {
            SqlTokenKind.OpenParen => _depth + 1,
            SqlTokenKind.CloseParen => Math.Max(0, _depth - 1),
            _ => _depth,
        };
        if (stage == Stage.StatementStart)
        {
            _stage = IsWord(token, "SET") || IsWord(token, "PRAGMA") ? Stage.Settings : IsWord(token, "ALTER") ? Stage.AfterAlter : Stage.NotSettings;
            return false;
        }

        if (stage == Stage.NotSettings || _depth > 0 || token.Kind is SqlTokenKind.OpenParen or SqlTokenKind.CloseParen)
        {
            return false;
        }

        switch (stage)
        {
            case Stage.AfterAlter:
                // ALTER SYSTEM, DATABASE, ROLE, USER or a routine may SET a setting; ALTER TABLE's SET does not.
                _stage = IsAnyWord(token, "SYSTEM", "DATABASE", "ROLE", "USER", "FUNCTION", "PROCEDURE", "ROUTINE") ? Stage.BeforeSet : Stage.NotSettings;
                return false;
            case Stage.BeforeSet:
                _stage = IsWord(token, "SET") ? Stage.Settings : Stage.BeforeSet;
                return false;
            default:
                break;
        }

        if (IsOther(token, '=') || (!_assigned && IsWord(token, "TO")))
        {
            (_assigned, _afterSeparator) = (true, true);
            return false;
        }

        if (IsOther(token, ','))
        {
            // After an assignment a comma starts the next value of a list (PostgreSQL) or the next assignment (MySQL).
            _afterSeparator = _assigned;
            return false;
        }

        if (IsWord(token, "FOR") && _assigned)
        {
            // MariaDB's SET STATEMENT … FOR: what follows is an ordinary statement.
            _stage = Stage.NotSettings;
            return false;
        }

        return separated
            && token.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier
            && !IsWord(token, "DEFAULT")
            && EndsValue(following.Next());
    }

    private readonly bool EndsValue(SqlToken next)
        => next.Kind is SqlTokenKind.End or SqlTokenKind.Semicolon || IsOther(next, ',') || IsWord(next, "FOR");

    private readonly bool IsWord(SqlToken token, string keyword)
        => token.Kind == SqlTokenKind.Word && Is(_text.AsSpan(token.Start, token.Length), keyword);

    private readonly bool IsAnyWord(SqlToken token, params ReadOnlySpan<string> keywords)
    {
        foreach (var keyword in keywords)
        {
            if (IsWord(token, keyword))
            {
                return true;
            }
        }

        return false;
    }

    private readonly bool IsOther(SqlToken token, char c) => token.Kind == SqlTokenKind.Other && token.Length == 1 && _text[token.Start] == c;
}
