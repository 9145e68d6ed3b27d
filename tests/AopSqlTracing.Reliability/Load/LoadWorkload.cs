using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Reliability.Support;
using Autofac;

namespace AopSqlTracing.Reliability.Load;

/// <summary>
/// The load: workers running units of work side by side, each unit in its own lifetime scope under its own parent
/// span. Even units write in one transaction (sync or async begin, inserts, a savepoint rolled back or released,
/// reads inside the transaction, then commit or rollback); odd units only read (scalars and readers, sync and
/// async). Run untraced (raw provider connections) or traced (connections from the container), the same units run
/// the same commands in the same order and record the same outcomes.
/// </summary>
public sealed class LoadWorkload(LoadDatabase database, IContainer? container, int workers, int commandsPerWorker)
{
    public const int CommandsPerUnit = 100;

    private LoadDatabase Database => database;

    private IContainer? Container => container;

    private bool Traced => container is not null;

    /// <summary>Runs every worker to the end; <paramref name="root"/> is the parent of the workers' spans (traced runs).</summary>
    public async Task<LoadResult> RunAsync(ActivityContext root)
    {
        var stopwatch = Stopwatch.StartNew();
        var runs = Enumerable.Range(0, workers).Select(worker => Task.Run(() => RunWorkerAsync(worker, root))).ToArray();
        var results = await Task.WhenAll(runs);
        stopwatch.Stop();
        return new LoadResult(results, stopwatch.Elapsed);
    }

    private async Task<WorkerResult> RunWorkerAsync(int worker, ActivityContext root)
    {
        var result = new WorkerResult(worker);

        // The worker's own span is Activity.Current for all its work: a command whose mark was lost would fall back
        // to it, and show up as misparented instead of passing unnoticed.
        using var workerSpan = Traced ? TestSpans.Source.StartActivity($"worker {worker}", ActivityKind.Internal, root) : null;
        for (var unit = 0; result.Commands < commandsPerWorker; unit++)
        {
            var size = Math.Min(CommandsPerUnit, commandsPerWorker - result.Commands);
            var parent = workerSpan is null ? null : TestSpans.StartDetached($"unit {worker}.{unit}", workerSpan.Context);
            var unitOfWork = new UnitOfWork(this, worker, unit, parent, result);
            var ran = await unitOfWork.RunAsync(size);
            if (parent is not null)
            {
                result.ExpectedChildren[parent.SpanId] = ran;
                parent.Stop();
            }
        }

        return result;
    }

    /// <summary>One unit of work: its scope (traced runs), its connection, its commands.</summary>
    private sealed class UnitOfWork(LoadWorkload load, int worker, int unit, Activity? parent, WorkerResult result)
    {
        private readonly string _table = load.Database.Table;
        private DbConnection _connection = null!;
        private DbTransaction? _transaction;
        private int _ran;

        // Reads look at the rows of the last two units only, so their cost stays flat as the table grows.
        private int FirstRecentRow => (unit - 2) * 10_000;

        // Which mark carries the unit's parent: the scope's, the connection's, or each command's.
        private int MarkKind => unit % 3;

        public async Task<int> RunAsync(int size)
        {
            var scope = load.Container?.BeginLifetimeScope();
            try
            {
                if (scope is not null && MarkKind == 0)
                {
                    scope.SetParentSpan(parent!);
                }

                _connection = scope?.Resolve<DbConnection>() ?? load.Database.CreateConnection();
                if (unit % 2 == 0)
                {
                    _connection.Open();
                }
                else
                {
                    await _connection.OpenAsync();
                }

                load.Database.Prepare(_connection.Unwrap());
                if (scope is not null && MarkKind == 1)
                {
                    _connection.SetParentSpan(parent!);
                }

                if (unit % 2 == 0)
                {
                    await WriteAsync(size);
                }
                else
                {
                    await ReadAsync(size);
                }
            }
            catch (Exception exception)
            {
                result.Outcomes.Add($"unit {unit} aborted: {Outcomes.Error(exception)}");
            }
            finally
            {
                if (scope is null)
                {
                    await _connection.DisposeAsync();
                }
                else if (unit % 4 == 1)
                {
                    await scope.DisposeAsync();
                }
                else
                {
                    scope.Dispose();
                }
            }

            return _ran;
        }

        private async Task WriteAsync(int size)
        {
            _transaction = unit % 4 == 0 ? _connection.BeginTransaction() : await _connection.BeginTransactionAsync();
            var inserts = size - 4;
            var i = 0;
            for (; i < inserts / 2; i++)
            {
                await InsertAsync(i);
            }

            // A savepoint keeps the marks: the rows inside it are undone or kept, the transaction goes on.
            _transaction.Save("sp");
            await InsertAsync(1000 + i);
            await InsertAsync(2000 + i);
            if (unit % 8 == 0)
            {
                _transaction.Rollback("sp");
            }
            else
            {
                _transaction.Release("sp");
            }

            for (; i < inserts; i++)
            {
                await InsertAsync(i);
            }

            await ScalarAsync($"SELECT COUNT(*) FROM {_table} WHERE worker = @w AND n >= @from", async: unit % 4 == 2);
            await ReaderAsync(10, async: unit % 4 == 0);

            if (unit % 6 == 4)
            {
                _transaction.Rollback();
            }
            else if (unit % 6 == 2)
            {
                await _transaction.CommitAsync();
            }
            else
            {
                _transaction.Commit();
            }

            await _transaction.DisposeAsync();
            _transaction = null;
        }

        private async Task ReadAsync(int size)
        {
            for (var i = 0; i < size; i++)
            {
                switch (i % 4)
                {
                    case 0:
                        await ScalarAsync($"SELECT COUNT(*) FROM {_table} WHERE worker = @w AND n >= @from", async: false);
                        break;
                    case 1:
                        await ScalarAsync($"SELECT SUM(n) FROM {_table} WHERE worker = @w AND n >= @from", async: true);
                        break;
                    case 2:
                        await ReaderAsync(5, async: false);
                        break;
                    default:
                        await ReaderAsync(5, async: true);
                        break;
                }
            }
        }

        private async Task InsertAsync(int i)
        {
            await using var command = Command($"INSERT INTO {_table} (worker, n, v) VALUES (@w, @n, @v)");
            Add(command, "@n", (unit * 10_000) + i);
            Add(command, "@v", $"w{worker}-u{unit}-{i}");
            var outcome = i % 2 == 0
                ? Outcomes.Of(() => command.ExecuteNonQuery())
                : await Outcomes.OfAsync(async () => await command.ExecuteNonQueryAsync());
            Record(outcome);
        }

        private async Task ScalarAsync(string sql, bool async)
        {
            await using var command = Command(sql);
            Add(command, "@from", FirstRecentRow);
            var outcome = async
                ? await Outcomes.OfAsync(() => command.ExecuteScalarAsync())
                : Outcomes.Of(() => command.ExecuteScalar());
            Record(outcome);
        }

        private async Task ReaderAsync(int limit, bool async)
        {
            await using var command = Command($"SELECT n, v FROM {_table} WHERE worker = @w AND n >= @from ORDER BY n DESC LIMIT {limit}");
            Add(command, "@from", FirstRecentRow);
            var outcome = async
                ? await Outcomes.OfAsync(async () =>
                {
                    await using var reader = await command.ExecuteReaderAsync();
                    var rows = new List<string>();
                    while (await reader.ReadAsync())
                    {
                        rows.Add($"{reader.GetInt32(0)}:{reader.GetString(1)}");
                    }

                    return string.Join(",", rows);
                })
                : Outcomes.Of(() =>
                {
                    using var reader = command.ExecuteReader();
                    var rows = new List<string>();
                    while (reader.Read())
                    {
                        rows.Add($"{reader.GetInt32(0)}:{reader.GetString(1)}");
                    }

                    return string.Join(",", rows);
                });
            Record(outcome);
        }

        private DbCommand Command(string sql)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = _transaction;
            Add(command, "@w", worker);
            if (load.Traced && MarkKind == 2)
            {
                command.SetParentSpan(parent!);
            }

            return command;
        }

        private static void Add(DbCommand command, string name, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        private void Record(string outcome)
        {
            _ran++;
            result.Commands++;
            result.Outcomes.Add(outcome);
        }
    }
}
