using System.Data;
using System.Data.Common;
using AopSqlTracing.Engines;

namespace AopSqlTracing.Execution;

/// <summary>
/// The description of a command's text as a span and a measurement use it on every run: the span's name, its creation
/// tags and the measurement's attributes, built once. It holds while the command runs the same text string on the
/// same connection facts under the same options (their values that shape a description included, as options can be changed).
/// </summary>
internal sealed class DescribedCommand
{
    private readonly string _text;
    private readonly ConnectionFacts _facts;
    private readonly SqlTracingOptions _options;
    private readonly SqlSpanNaming _naming;
    private readonly QueryTextMode _queryText;
    private readonly int _maxQueryTextLength;
    private readonly bool _shaped;

    public DescribedCommand(string text, ConnectionFacts facts, SqlTracingOptions options, in SpanDescription description)
    {
        _text = text;
        _facts = facts;
        _options = options;
        _naming = options.SpanNaming;
        _queryText = options.QueryText;
        _maxQueryTextLength = options.MaxQueryTextLength;
        _shaped = options.RepeatedStatementThreshold > 0;
        Description = description with { Source = this };
        CreationTags = Execution.CreationTags.Over(Execution.CreationTags.ArrayOf(description, facts, forSpan: true));
        MeasurementTags = Execution.CreationTags.ArrayOf(description, facts, forSpan: false);
    }

    /// <summary>The description, pointing back at this; a field, so it is passed on by reference, never copied.</summary>
    public readonly SpanDescription Description;

    /// <summary>Gets the tags the span is created with.</summary>
    public CreationTags CreationTags { get; }

    /// <summary>Gets the attributes of a successful measurement.</summary>
    public KeyValuePair<string, object?>[] MeasurementTags { get; }

    /// <summary>
    /// Gets whether this describes <paramref name="command"/>'s text run as plain text on <paramref name="facts"/>
    /// under <paramref name="options"/>; false when the provider's getters throw (the describing path reports it).
    /// </summary>
    public bool Fits(DbCommand command, ConnectionFacts facts, SqlTracingOptions options)
    {
        try
        {
            return Fits(command.CommandText, command.CommandType, facts, options);
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>Gets whether this describes <paramref name="text"/> run as plain text on <paramref name="facts"/> under <paramref name="options"/>.</summary>
    public bool Fits(string? text, CommandType type, ConnectionFacts facts, SqlTracingOptions options)
        => ReferenceEquals(text, _text)
            && type == CommandType.Text
            && ReferenceEquals(facts, _facts)
            && ReferenceEquals(options, _options)
            && options.SpanNaming == _naming
            && options.QueryText == _queryText
            && options.MaxQueryTextLength == _maxQueryTextLength
            && options.RepeatedStatementThreshold > 0 == _shaped;
}
