namespace AopSqlTracing.Statements;

/// <summary>The kinds of token the classifier cares about; everything else is <see cref="SqlTokenKind.Other"/>.</summary>
internal enum SqlTokenKind
{
    End,
    Word,
    QuotedIdentifier,
    Literal,
    OpenParen,
    CloseParen,
    Semicolon,
    Dot,
    Other,
}

/// <summary>One token: its kind and where it stands in the text.</summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int Length);
