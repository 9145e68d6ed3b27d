using System.Collections;
using System.Diagnostics;
using System.Globalization;

namespace AopSqlTracing.Reliability.Secrets;

/// <summary>Everything an exporter sends of a span, as text: name, status, attributes, events and their attributes, links, baggage.</summary>
public static class ExportedData
{
    public static IEnumerable<(string Where, string Text)> Of(Activity span)
    {
        yield return ("name", span.DisplayName);
        if (span.StatusDescription is { } status)
        {
            yield return ("status", status);
        }

        foreach (var tag in span.TagObjects)
        {
            yield return ($"attribute {tag.Key}", Text(tag.Value));
        }

        foreach (var spanEvent in span.Events)
        {
            yield return ("event", spanEvent.Name);
            foreach (var tag in spanEvent.Tags)
            {
                yield return ($"event {spanEvent.Name} {tag.Key}", Text(tag.Value));
            }
        }

        foreach (var link in span.Links)
        {
            foreach (var tag in link.Tags ?? [])
            {
                yield return ($"link {tag.Key}", Text(tag.Value));
            }
        }

        foreach (var item in span.Baggage)
        {
            yield return ($"baggage {item.Key}", item.Value ?? string.Empty);
        }

        if (span.TraceStateString is { } traceState)
        {
            yield return ("tracestate", traceState);
        }
    }

    /// <summary>Finds each piece of each secret in what was exported: (span, where, piece).</summary>
    public static List<string> Leaks(IEnumerable<Activity> spans, IEnumerable<Secret> secrets, out int values)
    {
        var pieces = secrets.SelectMany(secret => secret.Pieces.Select(piece => (secret, piece))).ToList();
        var leaks = new List<string>();
        values = 0;
        foreach (var span in spans)
        {
            foreach (var (where, text) in Of(span))
            {
                values++;
                foreach (var (secret, piece) in pieces)
                {
                    if (text.Contains(piece, StringComparison.OrdinalIgnoreCase))
                    {
                        leaks.Add($"{secret} piece «{piece}» in {where} of span «{span.DisplayName}»: «{Cut(text)}»");
                    }
                }
            }
        }

        return leaks;
    }

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        IEnumerable items => string.Join(",", items.Cast<object?>().Select(Text)),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Cut(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
