namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>The few options of the non-BenchmarkDotNet modes: <c>--rounds 600</c>, <c>--per-round 8</c>, flags.</summary>
internal sealed class ModeArguments(string[] args)
{
    public int Int(string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        if (at < 0)
        {
            return fallback;
        }

        if (at + 1 >= args.Length || !int.TryParse(args[at + 1], out var value) || value < 0)
        {
            throw new ArgumentException($"{name} takes a whole number, e.g. {name} {fallback}.");
        }

        return value;
    }

    public bool Flag(string name) => Array.IndexOf(args, name) >= 0;

    /// <summary>The PostgreSQL connection string from <c>AOPSQL_POSTGRES</c>, or a message saying how to set it.</summary>
    public static string RequirePostgres()
    {
        if (PostgresBenchmarks.ConnectionString is { } connectionString)
        {
            return connectionString;
        }

        throw new InvalidOperationException(
            $"Set {PostgresBenchmarks.Variable} to an Npgsql connection string, e.g. " +
            "Host=127.0.0.1;Port=5432;Username=aopsql;Password=aopsql;Database=aopsql_tests");
    }
}
