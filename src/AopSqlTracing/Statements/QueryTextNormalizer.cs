using System.Text;

namespace AopSqlTracing.Statements;

/// <summary>
/// Collapses each run of whitespace outside quotes into one space and trims the ends, as the seed's
/// <c>db.statement</c> did, so the same statement written on several lines reads the same in every span.
/// </summary>
internal static class QueryTextNormalizer
{
    public static string Normalize(string text)
    {
        if (!NeedsNormalizing(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var quote = '\0';
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                builder.Append(c);
                if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
            if (c is '\'' or '"' or '`')
            {
                quote = c;
            }
        }

        return builder.ToString();
    }

    // Most command texts are already tidy; finding that out costs no allocation.
    private static bool NeedsNormalizing(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        if (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
        {
            return true;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != ' ' && char.IsWhiteSpace(c))
            {
                return true;
            }

            if (c == ' ' && i + 1 < text.Length && text[i + 1] == ' ')
            {
                return true;
            }
        }

        return false;
    }
}
