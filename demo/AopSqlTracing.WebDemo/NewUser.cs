namespace AopSqlTracing.WebDemo;

/// <summary>The body of <c>POST /users</c>.</summary>
public sealed record NewUser(string Name);
