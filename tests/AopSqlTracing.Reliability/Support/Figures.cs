using Xunit.Abstractions;

namespace AopSqlTracing.Reliability.Support;

/// <summary>
/// Prints a test's figures twice: to xunit's output (shown per test with <c>--logger "console;verbosity=normal"</c>)
/// and to the console, so they also appear in a plain <c>dotnet test</c> log.
/// </summary>
public static class Figures
{
    public static void Print(this ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        Console.WriteLine($"[AopSqlTracing.Reliability] {line}");
    }
}
