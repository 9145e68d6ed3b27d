namespace AopSqlTracing.WebDemo;

/// <summary>The answer of <c>GET /diagnostics/detached</c>.</summary>
/// <param name="Users">The rows counted.</param>
/// <param name="AmbientActivity">The <c>Activity.Current</c> the detached work saw; <see langword="null"/> when, as intended, none flowed.</param>
public sealed record DetachedCount(long Users, string? AmbientActivity);
