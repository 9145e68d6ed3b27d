namespace AopSqlTracing.Statements;

/// <summary>
/// The one SQL tokenizer behind normalising, sanitising, classifying, placeholders and sqlcommenter, so they never
/// disagree about what is a comment, a literal, a quoted name or a placeholder. Forgiving and single-pass: it reads
/// a text by one <see cref="SqlDialect"/>'s rules (<see cref="SqlDialectRules"/>), unterminated constructs run to
/// the end of the text, it never throws, and any input costs time linear in its length.
/// </summary>
internal ref partial struct SqlLexer(ReadOnlySpan<char> text, SqlDialect dialect = SqlDialect.Generic)
{
    private readonly ReadOnlySpan<char> _text = text;
    private readonly SqlDialect _dialect = dialect;
    private int _position;

    // Set on the lexer that reads the body of a MySQL executable comment, where /*! is a plain comment again.
    private bool _insideExecutableComment;

    /// <summary>Gets the rules this lexer reads by.</summary>
    public readonly SqlDialect Dialect => _dialect;

    /// <summary>Gets whether the text ended inside a literal, quoted identifier or comment that was never closed.</summary>
    public bool EndedUnterminated { get; private set; }

    /// <summary>Gets the next token that means something to the engine: comments are stepped over.</summary>
    public SqlToken Next()
    {
        var token = NextWithComments();
        while (token.IsComment)
        {
            token = NextWithComments();
        }

        return token;
    }

    /// <summary>
    /// Gets the next token, comments included. Whitespace is never a token: the gap between two tokens is.
    /// A <c>--</c> comment ends before the line break and any whitespace ahead of it.
    /// </summary>
    public SqlToken NextWithComments()
    {
        while (_position < _text.Length && SqlDialectRules.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }

        if (_position >= _text.Length)
        {
            return new SqlToken(SqlTokenKind.End, _text.Length, 0);
        }

        var start = _position;
        var kind = _text[start] switch
        {
            '-' when Peek(1) == '-' && SqlDialectRules.StartsDashComment(_text, start, _dialect) => SkipLineComment(2),
            '#' when SqlDialectRules.HasHashComments(_dialect) => SkipLineComment(1),
            '/' when Peek(1) == '*' => ExecutableCommentBody() is > 0 and var body ? SkipExecutableComment(body) : SkipBlockComment(),
            '(' => Single(SqlTokenKind.OpenParen),
            ')' => Single(SqlTokenKind.CloseParen),
            ';' => Single(SqlTokenKind.Semicolon),
            '.' when char.IsAsciiDigit(Peek(1)) && !FollowsName(start) => SkipNumber(),
            '.' => Single(SqlTokenKind.Dot),
            '\'' => SkipQuoted('\'', SqlTokenKind.Literal, IsEscapeString(start) || SqlDialectRules.HasBackslashEscapes(_dialect)),
            '"' when SqlDialectRules.QuotesStringsWithDoubleQuotes(_dialect) => SkipQuoted('"', SqlTokenKind.Literal, SqlDialectRules.HasBackslashEscapes(_dialect)),
            '"' => SkipQuoted('"', SqlTokenKind.QuotedIdentifier),
            '`' when SqlDialectRules.QuotesWithBackticks(_dialect) => SkipQuoted('`', SqlTokenKind.QuotedIdentifier),
            '[' when SqlDialectRules.IsBracketIdentifier(_text, start, _dialect) => SkipBracketIdentifier(),
            _ => SkipOther(start),
        };
        return new SqlToken(kind, start, _position - start);
    }

    /// <summary>Continues from <paramref name="position"/>, which must be the start of a token already seen.</summary>
    public void SkipTo(int position) => _position = position;

    private SqlTokenKind Single(SqlTokenKind kind)
    {
        _position++;
        return kind;
    }

    private SqlTokenKind SkipOther(int start)
    {
        var c = _text[start];
        var placeholder = SqlDialectRules.PlaceholderLength(_text, start, _dialect, out var malformed);
        if (placeholder > 0)
        {
            _position += placeholder;
            return malformed ? SqlTokenKind.Literal : SqlTokenKind.Placeholder;
        }

        if (c == '$' && SqlDialectRules.HasDollarQuotes(_dialect) && TrySkipDollarQuote())
        {
            return SqlTokenKind.Literal;
        }

        if (char.IsAsciiDigit(c))
        {
            return SkipNumber();
        }

        if (SqlDialectRules.GlobalVariableLength(_text, start, _dialect) is > 0 and var globalVariable)
        {
            _position += globalVariable;
            return SqlTokenKind.Word;
        }

        if (SqlDialectRules.CurrencySignLength(_text, start, _dialect) is > 0 and var sign)
        {
            _position += sign;
            return SkipNumber();
        }

        _position++;
        if (!SqlDialectRules.IsNameStart(c, _dialect))
        {
            return SqlTokenKind.Other;
        }

        while (_position < _text.Length && SqlDialectRules.IsNamePart(_text[_position], _dialect))
        {
            _position++;
        }

        return SqlTokenKind.Word;
    }

    // Doubled quotes ('it''s') are an escaped quote, not the end; in E'…' strings (and every MySQL string) so is \'.
    private SqlTokenKind SkipQuoted(char quote, SqlTokenKind kind, bool backslashEscapes = false)
    {
        _position++;
        while (_position < _text.Length)
        {
            var c = _text[_position];
            _position += backslashEscapes && c == '\\' ? 2 : 1;
            if (c != quote)
            {
                continue;
            }

            if (Peek(0) != quote)
            {
                return kind;
            }

            _position++;
        }

        _position = _text.Length;
        EndedUnterminated = true;
        return kind;
    }

    // SQLite has no escape inside brackets: the first ] ends the name. SQL Server's ]] is a ] inside it.
    private SqlTokenKind SkipBracketIdentifier()
    {
        if (SqlDialectRules.EscapesBracketsByDoubling(_dialect))
        {
            return SkipQuoted(']', SqlTokenKind.QuotedIdentifier);
        }

        var close = _text[(_position + 1)..].IndexOf(']');
        EndedUnterminated |= close < 0;
        _position = close < 0 ? _text.Length : _position + close + 2;
        return SqlTokenKind.QuotedIdentifier;
    }

    // 42, 3.5e-2, .5e-3, 1., 0x1F, 1_000: digits and whatever letters and dots follow are one value. A sign belongs to
    // it only as an exponent's, right after the digits (1e-5): in 42e-- the dashes start a comment, as the engines read it.
    private SqlTokenKind SkipNumber()
    {
        var decimalSoFar = !(_text[_position] == '0' && Peek(1) is 'x' or 'X');
        _position++;
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (decimalSoFar && c is 'e' or 'E' && Peek(1) is '+' or '-' && char.IsAsciiDigit(Peek(2)))
            {
                _position += 3;
                decimalSoFar = false;
                continue;
            }

            if (c != '.' && (c == '$' || !SqlDialectRules.IsWordPart(c)))
            {
                return SqlTokenKind.Literal;
            }

            decimalSoFar &= char.IsAsciiDigit(c) || c is '.' or '_';
            _position++;
        }

        return SqlTokenKind.Literal;
    }

    // A dot right after a name or a quoted name qualifies it (t.5 is column 5 of t where names may start with a digit);
    // anywhere else a dot before a digit starts a number (.5).
    private readonly bool FollowsName(int dot)
        => dot > 0 && (SqlDialectRules.IsNamePart(_text[dot - 1], _dialect) || _text[dot - 1] is '"' or '`' or ']');

    // PostgreSQL's E'…' escape strings: an E (or e) right before the quote, not the end of a longer name.
    private readonly bool IsEscapeString(int quote)
        => SqlDialectRules.HasEscapeStrings(_dialect)
            && quote >= 1 && _text[quote - 1] is 'E' or 'e' && (quote == 1 || !SqlDialectRules.IsWordPart(_text[quote - 2]));

    // Dollar quotes: $$…$$ or $tag$…$tag$, the tag a name without $ and not starting with a digit.
    private bool TrySkipDollarQuote()
    {
        var tagEnd = _position + 1;
        if (tagEnd < _text.Length && SqlDialectRules.IsWordStart(_text[tagEnd]))
        {
            while (tagEnd < _text.Length && _text[tagEnd] != '$' && SqlDialectRules.IsWordPart(_text[tagEnd]))
            {
                tagEnd++;
            }
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
}
