namespace AopSqlTracing.WebDemo;

/// <summary>
/// The demo's repository. <see cref="TracedAttribute"/> is all it takes: each call is a span
/// (<c>IUserRepository.ListAsync</c>, …) and the parent of the SQL it runs.
/// </summary>
[Traced]
public interface IUserRepository
{
    Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken);

    Task<User> CreateAsync(string name, CancellationToken cancellationToken);
}
