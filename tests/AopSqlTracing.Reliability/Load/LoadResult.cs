namespace AopSqlTracing.Reliability.Load;

/// <summary>A whole load run: every worker's result and the wall-clock time.</summary>
public sealed record LoadResult(IReadOnlyList<WorkerResult> Workers, TimeSpan Elapsed)
{
    public int Commands => Workers.Sum(worker => worker.Commands);

    public int Errors => Workers.Sum(worker => worker.Outcomes.Count(Support.Outcomes.IsError));
}
