using AopSqlTracing.Tests.Providers;

namespace AopSqlTracing.Tests.Support;

/// <summary>The statements of the seed's tests, as a .NET user would write them, in SQL every engine runs.</summary>
public static class Sql
{
    public const string InsertUser = "INSERT INTO users (name) VALUES ('John Doe')";
    public const string SelectUsers = "SELECT users.id, users.name FROM users";

    /// <summary>
    /// The seed's users table, private to the connection (TEMPORARY) and keyed by the engine's auto-numbered column so
    /// that <see cref="InsertUser"/> runs everywhere. It holds no literal (TEXT, since MariaDB's VARCHAR needs a
    /// length), so the sanitised text is the text.
    /// </summary>
    public static string CreateUsers(IDatabaseProvider provider) => $"CREATE TEMPORARY TABLE users (id {provider.IdentityColumn}, name TEXT)";
}
