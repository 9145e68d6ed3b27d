using System.Runtime.CompilerServices;

namespace AopSqlTracing.Marks;

/// <summary>
/// The ORM unit of work (an Entity Framework Core <c>DbContext</c>) a command runs for, when the ORM runs it on one of
/// our traced connections: the command's execution then finds the context's mark at the context's place in the order
/// of marks, and the policy hears of the context, exactly as for a command on a connection the ORM opened itself.
/// </summary>
internal static class OrmContexts
{
    private static readonly ConditionalWeakTable<object, object> ContextOfCommand = new();

    // Until an ORM has run a command on a traced connection, executions skip the table.
    private static volatile bool _anySet;

    /// <summary>Notes that the provider's <paramref name="command"/> is about to run for <paramref name="context"/>.</summary>
    public static void Set(object command, object context)
    {
        _anySet = true;
        ContextOfCommand.AddOrUpdate(command, context);
    }

    /// <summary>Gets the context the provider's <paramref name="command"/> runs for, or null.</summary>
    public static object? Of(object command) => _anySet && ContextOfCommand.TryGetValue(command, out var context) ? context : null;
}
