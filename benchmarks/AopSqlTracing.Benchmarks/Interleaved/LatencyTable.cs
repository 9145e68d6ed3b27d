using System.Globalization;
using System.Text;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>Prints one group of variants as a Markdown table: quantiles in µs, and each one's difference to the raw variant.</summary>
internal static class LatencyTable
{
    public static string Format(string title, IReadOnlyList<Variant> variants)
    {
        var baseline = variants.Single(v => v.IsBaseline);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### {title}");
        text.AppendLine();
        text.AppendLine("| variant | n | min | p10 | median | p90 | Δ min | Δ p10 | Δ median | Δ p90 | paired Δ median [95 % CI] |");
        text.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        double[] quantiles = [0.0, 0.1, 0.5, 0.9];
        var raw = quantiles.Select(baseline.Samples.Quantile).ToArray();
        foreach (var variant in variants)
        {
            var mine = quantiles.Select(variant.Samples.Quantile).ToArray();
            text.Append(CultureInfo.InvariantCulture, $"| {variant.Name} | {variant.Samples.Count} ");
            foreach (var value in mine)
            {
                text.Append(CultureInfo.InvariantCulture, $"| {value:F2} ");
            }

            if (variant.IsBaseline)
            {
                text.AppendLine("| – | – | – | – | – |");
                continue;
            }

            for (var i = 0; i < quantiles.Length; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"| {Signed(mine[i] - raw[i])} ");
            }

            var (median, low, high) = variant.Samples.PairedDifference(baseline.Samples);
            text.AppendLine(CultureInfo.InvariantCulture, $"| {Signed(median)} [{Signed(low)}, {Signed(high)}] |");
        }

        text.AppendLine();
        text.AppendLine("Times in µs per execution; Δ = variant − raw at the same quantile.");
        return text.ToString();
    }

    private static string Signed(double value) => value.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);
}
