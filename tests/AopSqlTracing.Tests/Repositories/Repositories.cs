using System.Data.Common;
using Dapper;

namespace AopSqlTracing.Tests.Repositories;

/// <summary>A repository opted into tracing as a whole, with every kind of return type.</summary>
[Traced]
public interface IUserRepository
{
    void Add(string name);

    long Count();

    Task AddAsync(string name);

    Task<IReadOnlyList<string>> NamesAsync();

    ValueTask<long> CountValueAsync();

    ValueTask TouchAsync();

    IAsyncEnumerable<string> StreamNames();

    void Fail();

    Task FailAsync();
}

/// <summary>A repository with only some methods opted in, one under its own span name.</summary>
public interface IReportRepository
{
    [Traced(Name = "reports.count")]
    long CountTraced();

    long CountUntraced();
}

/// <summary>An interface nobody annotated: traced through <c>EnableSqlTracing()</c>.</summary>
public interface IPlainRepository
{
    long Count();
}

public sealed class UserRepository(DbConnection connection) : IUserRepository, IReportRepository, IPlainRepository
{
    public static void CreateSchema(DbConnection connection, string identityColumn)
    {
        using var command = connection.Unwrap().CreateCommand();
        command.CommandText = $"CREATE TEMPORARY TABLE users (id {identityColumn}, name VARCHAR(100))";
        command.ExecuteNonQuery();
    }

    public void Add(string name) => connection.Execute("INSERT INTO users (name) VALUES (@name)", new { name });

    public long Count() => connection.ExecuteScalar<long>("SELECT COUNT(*) FROM users");

    public async Task AddAsync(string name)
    {
        await Task.Yield();
        await connection.ExecuteAsync("INSERT INTO users (name) VALUES (@name)", new { name });
    }

    public async Task<IReadOnlyList<string>> NamesAsync()
    {
        await Task.Yield();
        return [.. await connection.QueryAsync<string>("SELECT name FROM users ORDER BY id")];
    }

    public async ValueTask<long> CountValueAsync()
    {
        await Task.Yield();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users");
    }

    public async ValueTask TouchAsync()
    {
        await Task.Yield();
        await connection.ExecuteAsync("UPDATE users SET name = name");
    }

    public async IAsyncEnumerable<string> StreamNames()
    {
        for (var id = 1; ; id++)
        {
            await Task.Yield();
            var name = await connection.QuerySingleOrDefaultAsync<string>("SELECT name FROM users WHERE id = @id", new { id });
            if (name is null)
            {
                yield break;
            }

            yield return name;
        }
    }

    public void Fail() => connection.Execute("SELECT * FROM missing_table");

    public async Task FailAsync()
    {
        await Task.Yield();
        await connection.ExecuteAsync("SELECT * FROM missing_table");
    }

    public long CountTraced() => Count();

    public long CountUntraced() => Count();

    long IPlainRepository.Count() => Count();
}

/// <summary>A repository that calls another traced repository: spans nest.</summary>
[Traced]
public interface IReportService
{
    Task<long> CountAsync();
}

public sealed class ReportService(IUserRepository users) : IReportService
{
    public async Task<long> CountAsync()
    {
        await Task.Yield();
        return await users.CountValueAsync();
    }
}

/// <summary>A traced repository that is also disposable: its scope must still dispose it through the proxy.</summary>
[Traced]
public interface IDisposableRepository
{
    void Ping();
}

public sealed class DisposableRepository : IDisposableRepository, IDisposable
{
    public bool Disposed { get; private set; }

    public void Ping()
    {
    }

    public void Dispose() => Disposed = true;
}

/// <summary>Collects the items of an async stream.</summary>
public static class AsyncStreams
{
    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> stream, CancellationToken cancellationToken = default)
    {
        var items = new List<T>();
        await foreach (var item in stream.WithCancellation(cancellationToken))
        {
            items.Add(item);
        }

        return items;
    }
}
