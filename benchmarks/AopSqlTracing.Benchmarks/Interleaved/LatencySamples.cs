using System.Diagnostics;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>The timed executions of one variant, in Stopwatch ticks, kept with the round each was taken in.</summary>
internal sealed class LatencySamples
{
    private readonly List<long> _ticks = [];
    private readonly List<int> _rounds = [];

    public int Count => _ticks.Count;

    public void Add(int round, long ticks)
    {
        _rounds.Add(round);
        _ticks.Add(ticks);
    }

    public static double Microseconds(double ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    /// <summary>The q-quantile (0 = minimum) in microseconds, interpolated between ranks.</summary>
    public double Quantile(double q) => Quantile(Sorted(_ticks), q);

    /// <summary>Each round's median, in microseconds, by round number.</summary>
    public Dictionary<int, double> RoundMedians()
    {
        var byRound = new Dictionary<int, List<long>>();
        for (var i = 0; i < _ticks.Count; i++)
        {
            if (!byRound.TryGetValue(_rounds[i], out var list))
            {
                byRound[_rounds[i]] = list = [];
            }

            list.Add(_ticks[i]);
        }

        return byRound.ToDictionary(pair => pair.Key, pair => Quantile(Sorted(pair.Value), 0.5));
    }

    /// <summary>
    /// The median over rounds of (this variant's round median − the baseline's round median), with a 95 % interval
    /// from the order statistics of those differences. Pairing by round cancels drift (other load, frequency) that
    /// hits both variants of the same round alike.
    /// </summary>
    public (double Median, double Low, double High) PairedDifference(LatencySamples baseline)
    {
        var mine = RoundMedians();
        var theirs = baseline.RoundMedians();
        var differences = mine.Where(pair => theirs.ContainsKey(pair.Key)).Select(pair => pair.Value - theirs[pair.Key]).ToArray();
        if (differences.Length == 0)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        Array.Sort(differences);
        var m = differences.Length;
        var spread = 0.98 * Math.Sqrt(m);
        var low = Math.Clamp((int)Math.Floor((m / 2.0) - spread), 0, m - 1);
        var high = Math.Clamp((int)Math.Ceiling((m / 2.0) + spread), 0, m - 1);
        return (Quantile(differences, 0.5), differences[low], differences[high]);
    }

    private static double[] Sorted(List<long> ticks)
    {
        var values = ticks.Select(t => Microseconds(t)).ToArray();
        Array.Sort(values);
        return values;
    }

    private static double Quantile(double[] sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }
}
