using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AopSqlTracing.Dashboard.Tests.Support;

/// <summary>
/// A process the tests start (the dashboard, the web demo): its output kept, to learn the ports it chose and for
/// failure messages, and the process, with anything it started, killed on dispose.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private const int LinesInMessages = 40;

    private readonly Process _process;
    private readonly List<string> _output = [];

    private ChildProcess(Process process)
    {
        _process = process;
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> with the test's environment less every <c>OTEL_*</c> setting (so a
    /// developer's own exporter settings cannot change what the test sees), plus <paramref name="environment"/>.
    /// </summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var inherited in start.Environment.Keys.Where(key => key.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, line) => child.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => child.Keep(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Waits until the process writes a line that <paramref name="pattern"/> matches, and returns the match's first
    /// group; <see langword="null"/> when the process exits or <paramref name="deadline"/> passes first.
    /// </summary>
    public async Task<string?> WaitForOutputAsync(Regex pattern, DateTime deadline)
    {
        var scanned = 0;
        while (true)
        {
            string[] lines;
            lock (_output)
            {
                lines = _output.Skip(scanned).ToArray();
            }

            foreach (var line in lines)
            {
                if (pattern.Match(line) is { Success: true } match)
                {
                    return match.Groups[1].Value;
                }
            }

            scanned += lines.Length;
            // Read once more after the exit: the last lines may have come in with it.
            if ((_process.HasExited && lines.Length == 0) || DateTime.UtcNow > deadline)
            {
                return null;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The last lines the process wrote, for a failure message.</summary>
    public string RecentOutput()
    {
        lock (_output)
        {
            return string.Join(Environment.NewLine, _output.TakeLast(LinesInMessages));
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone: nothing left to stop.
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }
}
