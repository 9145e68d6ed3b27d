using System.Data.Common;
using Dapper;

namespace AopSqlTracing.Demo;

/// <summary>Plain Dapper over the scope's connection; nothing in it knows about tracing.</summary>
public sealed class UserRepository(DbConnection connection) : IUserRepository
{
    public async Task<long> AddAsync(string name)
        => await connection.ExecuteScalarAsync<long>("INSERT INTO users (name) VALUES (@name) RETURNING id", new { name });

    public async Task<IReadOnlyList<string>> NamesAsync()
        => [.. await connection.QueryAsync<string>("SELECT name FROM users ORDER BY id")];
}
