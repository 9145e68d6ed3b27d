using AopSqlTracing;

namespace AopSqlTracing.Demo;

/// <summary>The demo's repository: opted into tracing, so each call is a span over the SQL it runs.</summary>
[Traced]
public interface IUserRepository
{
    Task<long> AddAsync(string name);

    Task<IReadOnlyList<string>> NamesAsync();
}
