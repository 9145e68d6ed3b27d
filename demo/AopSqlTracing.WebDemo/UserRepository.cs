using System.Data.Common;
using Dapper;

namespace AopSqlTracing.WebDemo;

/// <summary>Plain Dapper over the request's connection; nothing in it knows about tracing.</summary>
public sealed class UserRepository(DbConnection connection) : IUserRepository
{
    public async Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken)
        => [.. await connection.QueryAsync<User>(
            new CommandDefinition("SELECT id, name FROM users ORDER BY id", cancellationToken: cancellationToken))];

    public async Task<User> CreateAsync(string name, CancellationToken cancellationToken)
        => await connection.QuerySingleAsync<User>(
            new CommandDefinition("INSERT INTO users (name) VALUES (@name) RETURNING id, name", new { name }, cancellationToken: cancellationToken));
}
