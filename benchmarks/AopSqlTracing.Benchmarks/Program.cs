using AopSqlTracing.Benchmarks;
using BenchmarkDotNet.Running;

// Never run by dotnet test or CI (CI only builds this project). See README, "Benchmarks".
if (args is ["--allocations"])
{
    AllocationTrace.Run();
    return;
}

var types = new List<Type>
{
    typeof(PointSelectBenchmarks),
    typeof(ResolveBenchmarks),
    typeof(DapperBenchmarks),
    typeof(ReaderBenchmarks),
    typeof(RepositoryBenchmarks),
    typeof(ThroughputBenchmarks),
};

if (PostgresBenchmarks.ConnectionString is null)
{
    Console.WriteLine($"PostgreSQL benchmarks skipped: set {PostgresBenchmarks.Variable} to an Npgsql connection string to run them.");
}
else
{
    types.Add(typeof(PostgresBenchmarks));
}

BenchmarkSwitcher.FromTypes([.. types]).Run(args);
