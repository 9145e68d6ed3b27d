namespace AopSqlTracing.Reliability.Support;

/// <summary>
/// The size of a run: CI sizes by default, the full sizes of the issue when <c>AOPSQL_SOAK=1</c>.
/// Every test prints the size it used.
/// </summary>
public static class Soak
{
    public const string Variable = "AOPSQL_SOAK";

    public static bool IsOn => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>Gets "soak" or "CI", for the printed figures.</summary>
    public static string Mode => IsOn ? "soak" : "CI";

    public static int Size(int ci, int soak) => IsOn ? soak : ci;
}
