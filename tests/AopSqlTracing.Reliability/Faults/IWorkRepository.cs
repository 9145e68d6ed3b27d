namespace AopSqlTracing.Reliability.Faults;

/// <summary>A repository whose calls are traced, and whose implementation changes <see cref="System.Diagnostics.Activity.Current"/>.</summary>
[Traced]
public interface IWorkRepository
{
    /// <summary>Runs a statement, then starts the caller's next span and leaves it current, as an "open a unit" call may.</summary>
    long BeginWork();
}
