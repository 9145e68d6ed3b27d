namespace AopSqlTracing;

/// <summary>
/// The library's rules: a command is traced when anything marks it (itself, the enclosing traced repository call, its
/// connection, its Entity Framework Core context, its lifetime scope) or <see cref="SqlTracingOptions.TraceAllCommands"/> is on; its parent is the
/// first parent found in that order, then <see cref="System.Diagnostics.Activity.Current"/>, then a new root.
/// A traced repository call is always traced, its parent chosen by the same order.
/// </summary>
/// <remarks>Wrap it in your own policy to add a rule and keep the rest.</remarks>
public sealed class DefaultParentSpanPolicy : IParentSpanPolicy
{
    /// <summary>Gets the shared instance; the policy has no state.</summary>
    public static DefaultParentSpanPolicy Instance { get; } = new();

    /// <inheritdoc/>
    public ParentSpanDecision Decide(in SqlExecution execution)
    {
        if (!execution.IsMarked && !execution.Options.TraceAllCommands && execution.Kind != SqlExecutionKind.RepositoryCall)
        {
            return ParentSpanDecision.NotTraced;
        }

        return ParentSpanDecision.TracedUnder(
            execution.CommandMark.Parent ?? execution.RepositoryMark.Parent ?? execution.ConnectionMark.Parent
                ?? execution.ContextMark.Parent ?? execution.ScopeMark.Parent);
    }
}
