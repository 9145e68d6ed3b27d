namespace AopSqlTracing.Tests.Support;

/// <summary>The statements of the seed's tests, as a .NET user would write them.</summary>
public static class Sql
{
    public const string CreateUsers = "CREATE TABLE users (id INTEGER NOT NULL, name VARCHAR, PRIMARY KEY (id))";
    public const string InsertUser = "INSERT INTO users (name) VALUES ('John Doe')";
    public const string SelectUsers = "SELECT users.id, users.name FROM users";
}
