using AopSqlTracing.Benchmarks;
using AopSqlTracing.Benchmarks.Interleaved;
using BenchmarkDotNet.Running;

// Never run by dotnet test or CI (CI only builds this project). See README, "Benchmarks", and docs/benchmarks.md.
if (args is ["--allocations"])
{
    AllocationTrace.Run();
    return;
}

if (args is ["interleaved", ..])
{
    InterleavedProbe.Run(args[1..]);
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
    typeof(EntityFrameworkBenchmarks),
    typeof(RepeatedStatementBenchmarks),
    typeof(ConnectionStepBenchmarks),
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
