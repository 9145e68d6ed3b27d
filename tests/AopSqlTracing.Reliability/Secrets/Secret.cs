namespace AopSqlTracing.Reliability.Secrets;

/// <summary>
/// One sensitive value, and the pieces of it that must not show up anywhere either (a leak of half a token is a leak).
/// </summary>
/// <param name="Kind">What it is: password, token, email, card, national id.</param>
/// <param name="Value">The value as a user would write it in a literal.</param>
public sealed record Secret(string Kind, string Value)
{
    /// <summary>Gets the value itself and its runs of four or more letters and digits, each searched for on its own.</summary>
    public IReadOnlyList<string> Pieces { get; } =
        [Value, .. System.Text.RegularExpressions.Regex.Matches(Value, "[A-Za-z0-9]{4,}").Select(match => match.Value).Where(piece => piece != Value).Distinct()];

    public override string ToString() => $"{Kind} «{Value}»";
}
