using System.Data.Common;

namespace AopSqlTracing.Reliability.Faults;

/// <summary>
/// A small workload touching every traced path once (sync and async executions, readers with several result
/// sets, transactions committed and rolled back, a savepoint, failing statements, a constraint violation) that
/// records what each call returned or threw, so a traced run can be compared with an untraced one.
/// </summary>
public static class FaultWorkload
{
    public const int Commands = 16;

    /// <summary>Runs the workload on an open SQLite connection (its own in-memory database) and gives the outcomes.</summary>
    public static async Task<List<string>> RunAsync(DbConnection connection)
    {
        var outcomes = new List<string>();
        void Sync(string sql, Func<DbCommand, object?> call, DbTransaction? transaction = null)
        {
            using var command = Command(connection, sql, transaction);
            outcomes.Add(Support.Outcomes.Of(() => call(command)));
        }

        async Task Async(string sql, Func<DbCommand, Task<object?>> call, DbTransaction? transaction = null)
        {
            await using var command = Command(connection, sql, transaction);
            outcomes.Add(await Support.Outcomes.OfAsync(() => call(command)));
        }

        Sync("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)", command => command.ExecuteNonQuery());
        Sync("INSERT INTO t (name) VALUES ('a'), ('b')", command => command.ExecuteNonQuery());
        await Async("INSERT INTO t (name) VALUES ('c')", async command => await command.ExecuteNonQueryAsync());

        var transaction = connection.BeginTransaction();
        Sync("INSERT INTO t (name) VALUES ('d')", command => command.ExecuteNonQuery(), transaction);
        transaction.Save("s");
        Sync("INSERT INTO t (name) VALUES ('e')", command => command.ExecuteNonQuery(), transaction);
        transaction.Rollback("s");
        transaction.Commit();
        transaction.Dispose();

        var rolledBack = await connection.BeginTransactionAsync();
        await Async("INSERT INTO t (name) VALUES ('f')", async command => await command.ExecuteNonQueryAsync(), rolledBack);
        await rolledBack.RollbackAsync();
        await rolledBack.DisposeAsync();

        Sync("SELECT COUNT(*) FROM t", command => command.ExecuteScalar());
        await Async("SELECT group_concat(name, ',') FROM t", command => command.ExecuteScalarAsync());
        Sync("SELECT name FROM t ORDER BY id; SELECT COUNT(*) FROM t", command =>
        {
            using var reader = command.ExecuteReader();
            var read = new List<string>();
            do
            {
                while (reader.Read())
                {
                    read.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
                }
            }
            while (reader.NextResult());
            return string.Join(",", read);
        });
        await Async("SELECT name FROM t WHERE name > 'a' ORDER BY id", async command =>
        {
            await using var reader = await command.ExecuteReaderAsync();
            var read = new List<string>();
            while (await reader.ReadAsync())
            {
                read.Add(reader.GetString(0));
            }

            return string.Join(",", read);
        });
        Sync("SELECT * FROM missing", command => command.ExecuteScalar());
        await Async("INSERT INTO t (name) VALUES ('a')", async command => await command.ExecuteNonQueryAsync());
        await Async("SELEC 1", async command => await command.ExecuteReaderAsync());
        Sync("SELECT name FROM t WHERE id = @id", command =>
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@id";
            parameter.Value = 2;
            command.Parameters.Add(parameter);
            return command.ExecuteScalar();
        });
        Sync("UPDATE t SET name = name || '!' WHERE id > 1", command => command.ExecuteNonQuery());
        await Async("SELECT group_concat(name, ',') FROM t", command => command.ExecuteScalarAsync());
        return outcomes;
    }

    private static DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
