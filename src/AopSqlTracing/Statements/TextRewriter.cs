using System.Text;

namespace AopSqlTracing.Statements;

/// <summary>
/// Builds a rewrite of a text piece by piece, copying nothing while the rewrite is still the text itself: most
/// command texts are already tidy, and then normalising or sanitising one hands back the same string, unallocated.
/// </summary>
internal struct TextRewriter(string text)
{
    private readonly string _text = text;
    private StringBuilder? _builder;

    // While _builder is null, what was written so far is exactly _text[.._same].
    private int _same;

    /// <summary>Writes the text's own characters from <paramref name="start"/> on.</summary>
    public void Keep(int start, int length)
    {
        if (_builder is null)
        {
            if (start == _same)
            {
                _same += length;
                return;
            }

            Diverge();
        }

        _builder!.Append(_text, start, length);
    }

    /// <summary>Writes one character.</summary>
    public void Write(char c)
    {
        if (_builder is null)
        {
            if (_same < _text.Length && _text[_same] == c)
            {
                _same++;
                return;
            }

            Diverge();
        }

        _builder!.Append(c);
    }

    /// <summary>Takes back the last <paramref name="count"/> characters written.</summary>
    public void Unwrite(int count)
    {
        if (_builder is null)
        {
            _same -= count;
        }
        else
        {
            _builder.Length -= count;
        }
    }

    /// <summary>Gets what was written: the original string itself when it was written unchanged.</summary>
    public override readonly string ToString()
        => _builder?.ToString() ?? (_same == _text.Length ? _text : _text[.._same]);

    private void Diverge() => _builder = new StringBuilder(_text.Length).Append(_text, 0, _same);
}
