namespace AopSqlTracing;

/// <summary>
/// Decides, for every execution (command, batch, traced repository call), whether it is traced and under which
/// parent. Register your own in the container to replace <see cref="DefaultParentSpanPolicy"/>, for example to
/// parent everything under the current message's span or never to trace health-check queries.
/// </summary>
/// <remarks>
/// Called on every execution, so keep it cheap. If it throws, the execution runs untraced and the failure is
/// reported on the <c>AopSqlTracing</c> EventSource; the database call itself is never affected.
/// </remarks>
public interface IParentSpanPolicy
{
    /// <summary>Decides for one execution.</summary>
    /// <param name="execution">What runs, where, and the marks found.</param>
    /// <returns><see cref="ParentSpanDecision.NotTraced"/>, or <see cref="ParentSpanDecision.TracedUnder"/> a parent.</returns>
    ParentSpanDecision Decide(in SqlExecution execution);
}
