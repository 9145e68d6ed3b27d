using System.Diagnostics;
using System.Globalization;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>
/// <c>interleaved --processes N …</c>: the probe run in N fresh processes one after the other, and each figure's
/// median across them with its range. On this VM one process pins its own figures within a few nanoseconds, but
/// processes of the same build disagree by tens (each has its own JIT decisions and code layout, and the figures are
/// differences between variants): the median across processes is the figure worth comparing.
/// </summary>
internal static class ProcessMedian
{
    // The figure table's numeric columns, as the probe prints them.
    private static readonly string[] Columns = ["wall min", "wall p10", "wall paired median", "CPU p10", "CPU paired median"];

    public static void Run(string[] args, int processes)
    {
        var at = Array.IndexOf(args, "--processes");
        var childArgs = args.Take(at).Concat(args.Skip(at + 2)).Prepend("interleaved").ToList();
        var figures = new Dictionary<string, (string Target, List<double>[] Values)>();
        for (var run = 1; run <= processes; run++)
        {
            var output = RunChild(childArgs);
            Console.WriteLine($"process {run} of {processes}: {output.Split('\n')[0]}");
            foreach (var cells in output.Split('\n').Where(line => line.StartsWith("| (", StringComparison.Ordinal)).Select(Cells))
            {
                var entry = figures.TryGetValue(cells[0], out var known) ? known : figures[cells[0]] = (cells[1], Columns.Select(_ => new List<double>()).ToArray());
                for (var column = 0; column < Columns.Length; column++)
                {
                    entry.Values[column].Add(double.Parse(cells[column + 2].Split(' ')[0], CultureInfo.InvariantCulture));
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| figure | target | {string.Join(" | ", Columns)} |");
        Console.WriteLine($"|---|--:|{string.Concat(Columns.Select(_ => "--:|"))}");
        foreach (var (name, (target, values)) in figures)
        {
            Console.WriteLine($"| {name} | {target} | {string.Join(" | ", values.Select(Summary))} |");
        }

        Console.WriteLine($"median across {processes} processes (lowest to highest in brackets); each process's own tables are the probe's.");
    }

    private static string RunChild(List<string> args)
    {
        // Under `dotnet run` the process is the app host; under `dotnet x.dll` the host needs the assembly first.
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ProcessMedian).Assembly.Location);
        }

        args.ForEach(start.ArgumentList.Add);
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        return output;
    }

    private static string[] Cells(string line) => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray();

    private static string Summary(List<double> values)
    {
        var sorted = values.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        return string.Create(CultureInfo.InvariantCulture, $"{Format(median)} [{Format(sorted[0])}, {Format(sorted[^1])}]");
    }

    private static string Format(double value) => Math.Abs(value) < 10 ? value.ToString("F3", CultureInfo.InvariantCulture) : value.ToString("F0", CultureInfo.InvariantCulture);
}
