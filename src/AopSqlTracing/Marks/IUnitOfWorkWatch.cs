using System.Diagnostics;

namespace AopSqlTracing.Marks;

/// <summary>
/// Something that watches what runs under one unit of work's mark and is told once when the unit of work ends (the
/// mark cleared, replaced, ended by a commit, or dropped with its scope), with the parent span when it is still here.
/// Defined here so marks call it without knowing what it is (the repeated-statement counter lives in Execution).
/// </summary>
internal interface IUnitOfWorkWatch
{
    /// <param name="span">The mark's parent span, when the mark was set with one that is still alive; else null.</param>
    void UnitOfWorkEnded(Activity? span);
}
