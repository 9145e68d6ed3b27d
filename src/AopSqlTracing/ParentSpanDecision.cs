using System.Diagnostics;

namespace AopSqlTracing;

/// <summary>What an <see cref="IParentSpanPolicy"/> decided for one execution: not traced, or traced under a parent.</summary>
public readonly record struct ParentSpanDecision
{
    private ParentSpanDecision(bool isTraced, ActivityContext? parent)
    {
        IsTraced = isTraced;
        Parent = parent;
    }

    /// <summary>Gets a decision not to trace: no span is started at all.</summary>
    public static ParentSpanDecision NotTraced => default;

    /// <summary>Gets whether a span is started.</summary>
    public bool IsTraced { get; }

    /// <summary>Gets the parent; null means <see cref="Activity.Current"/>, or a new root when there is none.</summary>
    public ActivityContext? Parent { get; }

    /// <summary>Traces under <paramref name="parent"/>, or under <see cref="Activity.Current"/> (else a new root) when null.</summary>
    /// <param name="parent">The parent span's context, or null.</param>
    /// <returns>The decision.</returns>
    public static ParentSpanDecision TracedUnder(ActivityContext? parent) => new(true, parent);
}
