using AopSqlTracing.Statements;

namespace AopSqlTracing.Execution;

/// <summary>
/// What a command proxy remembers of its last execution, so running the same text again costs neither a look-up nor
/// a description: its last classification, and once that text has run twice, its description with the span's and
/// the measurement's attributes ready. A command run once (Dapper's) keeps only the classification, which allocates nothing.
/// </summary>
internal struct CommandMemory
{
    /// <summary>The classification of the text the command last ran.</summary>
    public StatementInfo? LastStatement;

    /// <summary>That text's description, made the second time it ran.</summary>
    public DescribedCommand? Described;
}
