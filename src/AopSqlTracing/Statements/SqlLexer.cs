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
                SkipQuoted('\'', '\'', backslashEscapes: IsEscapeStringPrefix(start));
                return new SqlToken(SqlTokenKind.Literal, start, _position - start);
            case '"':
                SkipQuoted('"', '"');
                return new SqlToken(SqlTokenKind.QuotedIdentifier, start, _position - start);
            case '`':
                SkipQuoted('`', '`');
                return new SqlToken(SqlTokenKind.QuotedIdentifier, start, _position - start);
            case '[' when IsBracketIdentifier():
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

    /// <summary>Gets whether the text ended inside a literal, quoted identifier or comment that was never closed.</summary>
    public bool EndedUnterminated { get; private set; }

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
                SkipBlockComment();
            }
            else
            {
                return;
            }
        }
    }

    // Block comments nest (PostgreSQL, the SQL standard): treating a nested one as ended early would leave
    // the rest of the comment, and anything secret in it, to be read as SQL.
    private void SkipBlockComment()
    {
        var depth = 0;
        while (_position < _text.Length)
        {
            if (_text[_position] == '/' && Peek(1) == '*')
            {
                depth++;
                _position += 2;
            }
            else if (_text[_position] == '*' && Peek(1) == '/')
            {
                _position += 2;
                if (--depth == 0)
                {
                    return;
                }
            }
            else
            {
                _position++;
            }
        }

        EndedUnterminated = true;
    }

    // Doubled closing quotes ('it''s') are an escaped quote, not the end; in E'…' strings so is \'.
    private void SkipQuoted(char open, char close, bool backslashEscapes = false)
    {
        _position++;
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (backslashEscapes && c == '\\')
            {
                _position += 2;
                continue;
            }

            _position++;
            if (c != close)
            {
                continue;
            }

            if (open == close && Peek(0) == close)
            {
                _position++;
                continue;
            }

            return;
        }

        _position = _text.Length;
        EndedUnterminated = true;
    }

    // PostgreSQL's E'…' escape strings: an E (or e) right before the quote, not the end of a longer word.
    private readonly bool IsEscapeStringPrefix(int quote)
        => quote >= 1 && _text[quote - 1] is 'E' or 'e' && (quote == 1 || !IsWordPart(_text[quote - 2]));

    // [name] is a quoted identifier (SQLite, SQL Server); ARRAY['a', 'b'] and x[1] hold values, so they are not.
    private readonly bool IsBracketIdentifier()
    {
        for (var i = _position + 1; i < _text.Length; i++)
        {
            switch (_text[i])
            {
                case ']':
                    return i > _position + 1 && !char.IsAsciiDigit(_text[_position + 1]);
                case '\'' or '"' or '[' or ',' or '(' or ')' or '\n':
                    return false;
                default:
                    break;
            }
        }

        return false;
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
        EndedUnterminated |= close < 0;
        return true;
    }

    private readonly char Peek(int offset)
        => _position + offset < _text.Length ? _text[_position + offset] : '\0';

    private static bool IsWordStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsWordPart(char c) => char.IsLetterOrDigit(c) || c == '_';
}
