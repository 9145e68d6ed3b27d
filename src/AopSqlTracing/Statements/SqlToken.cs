namespace AopSqlTracing.Statements;

/// <summary>The kinds of token the statement code cares about; everything else is <see cref="SqlTokenKind.Other"/>.</summary>
internal enum SqlTokenKind
{
    End,
    Word,
    QuotedIdentifier,
    Literal,
    Placeholder,
    OpenParen,
    CloseParen,
    Semicolon,
    Dot,
    LineComment,
    BlockComment,
    Other,
}

/// <summary>One token: its kind and where it stands in the text.</summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int Length)
{
    /// <summary>Gets the index just past the token.</summary>
    public int End => Start + Length;

    /// <summary>Gets whether the token is a comment, which carries no meaning for the engine.</summary>
    public bool IsComment => Kind is SqlTokenKind.LineComment or SqlTokenKind.BlockComment;
}
