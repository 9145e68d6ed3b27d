namespace AopSqlTracing.Statements;

/// <summary>The lexer's comments: line comments, block comments (nesting or not, by dialect) and MySQL's executable ones.</summary>
internal ref partial struct SqlLexer
{
    // Ends before the line break, and before any whitespace ahead of it, so the break stays in the gap that follows:
    // the normaliser writes it back as one "\n" and the comment can never swallow the next line.
    private SqlTokenKind SkipLineComment(int opener)
    {
        var end = _position + opener;
        while (end < _text.Length && !SqlDialectRules.EndsLineComment(_dialect, _text[end]))
        {
            end++;
        }

        while (SqlDialectRules.IsWhiteSpace(_text[end - 1]))
        {
            end--;
        }

        _position = end;
        return SqlTokenKind.LineComment;
    }

    // Where comments nest, treating a nested one as ended early would leave the rest of the comment, and anything
    // secret in it, to be read as SQL; where they don't (SQLite), the first */ ends it and what follows runs.
    private SqlTokenKind SkipBlockComment()
    {
        var nests = SqlDialectRules.NestsBlockComments(_dialect);
        var depth = 1;
        _position += 2;
        while (_position < _text.Length)
        {
            if (_text[_position] == '*' && Peek(1) == '/')
            {
                _position += 2;
                if (--depth == 0)
                {
                    return SqlTokenKind.BlockComment;
                }
            }
            else if (nests && _text[_position] == '/' && Peek(1) == '*')
            {
                depth++;
                _position += 2;
            }
            else
            {
                _position++;
            }
        }

        EndedUnterminated = true;
        return SqlTokenKind.BlockComment;
    }

    // MySQL's /*! … */ and MariaDB's /*M! … */: the server runs the body as SQL (when the version after the ! is
    // reached), so the comment ends at the first */ outside the body's own literals and comments, and a literal in it
    // may hold a */. Unversioned /*! runs on every server. A versioned one, or /*M! (which MySQL takes for a plain
    // comment), is a plain comment where it does not run: ending at the first */, or after one nested /* … */ on
    // MariaDB. When those readings end it in different places, what follows is SQL to one server and comment or
    // literal to another, so the comment is taken to run to the end of the text: hidden whole, never read half as SQL.
    private SqlTokenKind SkipExecutableComment(int body)
    {
        var conditional = _text[_position + 2] == 'M' || char.IsAsciiDigit(Peek(3));
        var inner = new SqlLexer(_text, _dialect) { _position = body, _insideExecutableComment = true };
        var end = -1;
        for (var token = inner.NextWithComments(); token.Kind != SqlTokenKind.End; token = inner.NextWithComments())
        {
            if (token.Kind == SqlTokenKind.Other && _text[token.Start] == '*' && token.End < _text.Length && _text[token.End] == '/')
            {
                end = token.End + 1;
                break;
            }
        }

        if (end < 0 || (conditional && (end != PlainCommentEnd(body, nested: false) || end != PlainCommentEnd(body, nested: true))))
        {
            _position = _text.Length;
            EndedUnterminated = true;
            return SqlTokenKind.BlockComment;
        }

        _position = end;
        return SqlTokenKind.BlockComment;
    }

    // Where the comment opened before `from` ends when its body is not run: at the first */, or, with `nested`, after
    // at most one /* … */ inside it (MariaDB). -1 when it never ends.
    private readonly int PlainCommentEnd(int from, bool nested)
    {
        var inner = false;
        var i = from;
        while (i + 1 < _text.Length)
        {
            if (_text[i] == '*' && _text[i + 1] == '/')
            {
                if (!inner)
                {
                    return i + 2;
                }

                inner = false;
                i += 2;
            }
            else if (nested && !inner && _text[i] == '/' && _text[i + 1] == '*')
            {
                inner = true;
                i += 2;
            }
            else
            {
                i++;
            }
        }

        return -1;
    }

    // The index where an executable comment's body starts (after /*! or /*M!), or 0 when the /* here is a plain one.
    private readonly int ExecutableCommentBody()
    {
        if (_insideExecutableComment || !SqlDialectRules.HasExecutableComments(_dialect))
        {
            return 0;
        }

        return Peek(2) == '!' ? _position + 3 : Peek(2) == 'M' && Peek(3) == '!' ? _position + 4 : 0;
    }
}
