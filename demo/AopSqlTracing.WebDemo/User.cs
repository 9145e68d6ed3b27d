namespace AopSqlTracing.WebDemo;

/// <summary>A row of the <c>users</c> table.</summary>
public sealed record User(long Id, string Name);
