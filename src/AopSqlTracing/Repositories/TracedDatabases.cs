using AopSqlTracing.Execution;
namespace AopSqlTracing.Repositories;

/// <summary>
/// The traced databases registered in one container, and the options its repository spans follow. A repository
/// call may touch any of the databases, so the safe choice wins: it records an exception's message only when every
/// database does, and calls every database's <see cref="SqlTracingOptions.EnrichWithException"/> hook.
/// </summary>
internal sealed class TracedDatabases
{
    private readonly List<TracedDatabase> _databases = [];
    private SqlTracingOptions? _repositoryOptions;

    public void Add(TracedDatabase database)
    {
        lock (_databases)
        {
            _databases.Add(database);
            _repositoryOptions = null;
        }
    }

    /// <summary>Gets the options of repository spans, merged at the first repository call from the options then set.</summary>
    public SqlTracingOptions RepositoryOptions
    {
        get
        {
            if (_repositoryOptions is { } merged)
            {
                return merged;
            }

            lock (_databases)
            {
                return _repositoryOptions ??= Merge(_databases.Select(database => database.Options).ToArray());
            }
        }
    }

    private static SqlTracingOptions Merge(SqlTracingOptions[] all)
    {
        var hooks = all.Select(options => options.EnrichWithException).OfType<Action<System.Diagnostics.Activity, Exception>>().Distinct().ToArray();
        return new SqlTracingOptions
        {
            TraceAllCommands = all.All(options => options.TraceAllCommands),
            RecordException = all.All(options => options.RecordException),
            EnrichWithException = hooks.Length switch
            {
                0 => null,
                1 => hooks[0],
                _ => (activity, exception) =>
                {
                    // Each hook runs even when one before it throws; the first failure is reported like any hook's.
                    List<Exception>? failures = null;
                    foreach (var hook in hooks)
                    {
                        try
                        {
                            hook(activity, exception);
                        }
                        catch (Exception failure)
                        {
                            (failures ??= []).Add(failure);
                        }
                    }

                    if (failures is not null)
                    {
                        throw new AggregateException(failures);
                    }
                },
            },
        };
    }
}
