namespace AopSqlTracing.Statements;

/// <summary>
/// A forgiving single-pass SQL tokenizer: skips whitespace and comments, steps over string literals,
/// quoted identifiers and dollar quotes. Unterminated constructs run to the end of the text; it never throws
/// and never looks at a character twice, so any input costs time linear in its length.
/// </summary>
internal ref struct SqlLexer(ReadOnlySpan<char> text)
{
    private readonly ReadOnlySpan<char> _text = text;
    private int _position;

    public SqlToken Next()
    {
        SkipTrivia();
        if (_position >= _text.Length)
        {
            return new SqlToken(SqlTokenKind.End, _text.Length, 0);
        }

        var start = _position;
        var c = _text[_position];
        switch (c)
        {
            case '(':
                _position++;
                return new SqlToken(SqlTokenKind.OpenParen, start, 1);
            case ')':
                _position++;
                return new SqlToken(SqlTokenKind.CloseParen, start, 1);
            case ';':
                _position++;
                return new SqlToken(SqlTokenKind.Semicolon, start, 1);
            case '.':
                _position++;
                return new SqlToken(SqlTokenKind.Dot, start, 1);
            case '\'':
                SkipQuoted('\'', '\'');
                return new SqlToken(SqlTokenKind.Literal, start, _position - start);
            case '"':
                SkipQuoted('"', '"');
                return new SqlToken(SqlTokenKind.QuotedIdentifier, start, _position - start);
            case '`':
                SkipQuoted('`', '`');
                return new SqlToken(SqlTokenKind.QuotedIdentifier, start, _position - start);
            case '[':
                SkipQuoted('[', ']');
                return new SqlToken(SqlTokenKind.QuotedIdentifier, start, _position - start);
            case '$' when TrySkipDollarQuote():
                return new SqlToken(SqlTokenKind.Literal, start, _position - start);
            default:
                break;
        }

        if (char.IsAsciiDigit(c))
        {
            while (_position < _text.Length && (IsWordPart(_text[_position]) || _text[_position] == '.'))
            {
                _position++;
            }

            return new SqlToken(SqlTokenKind.Literal, start, _position - start);
        }

        if (IsWordStart(c))
        {
            _position++;
            while (_position < _text.Length && IsWordPart(_text[_position]))
            {
                _position++;
            }

            return new SqlToken(SqlTokenKind.Word, start, _position - start);
        }

        _position++;
        return new SqlToken(SqlTokenKind.Other, start, 1);
    }

    /// <summary>Continues from <paramref name="position"/>, which must be the start of a token already seen.</summary>
    public void SkipTo(int position) => _position = position;

    private void SkipTrivia()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (char.IsWhiteSpace(c))
            {
                _position++;
            }
            else if (c == '-' && Peek(1) == '-')
            {
                var end = _text[_position..].IndexOf('\n');
                _position = end < 0 ? _text.Length : _position + end + 1;
            }
            else if (c == '/' && Peek(1) == '*')
            {
                var end = _text[(_position + 2)..].IndexOf("*/");
                _position = end < 0 ? _text.Length : _position + 2 + end + 2;
            }
            else
            {
                return;
            }
        }
    }

    // Doubled closing quotes ('it''s') are an escaped quote, not the end.
    private void SkipQuoted(char open, char close)
    {
        _position++;
        while (_position < _text.Length)
        {
            var end = _text[_position..].IndexOf(close);
            if (end < 0)
            {
                _position = _text.Length;
                return;
            }

            _position += end + 1;
            if (open == close && Peek(0) == close)
            {
                _position++;
                continue;
            }

            return;
        }
    }

    // PostgreSQL dollar quotes: $$...$$ or $tag$...$tag$. A lone $ (a parameter like $1) is not one.
    private bool TrySkipDollarQuote()
    {
        var tagEnd = _position + 1;
        while (tagEnd < _text.Length && IsWordPart(_text[tagEnd]) && !char.IsAsciiDigit(_text[_position + 1]))
        {
            tagEnd++;
        }

        if (tagEnd >= _text.Length || _text[tagEnd] != '$')
        {
            return false;
        }

        var tag = _text[_position..(tagEnd + 1)];
        var bodyStart = tagEnd + 1;
        var close = _text[bodyStart..].IndexOf(tag);
        _position = close < 0 ? _text.Length : bodyStart + close + tag.Length;
        return true;
    }

    private readonly char Peek(int offset)
        => _position + offset < _text.Length ? _text[_position + offset] : '\0';

    private static bool IsWordStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsWordPart(char c) => char.IsLetterOrDigit(c) || c == '_';
}
