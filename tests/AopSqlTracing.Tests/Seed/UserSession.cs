using System.Data.Common;
using Dapper;

namespace AopSqlTracing.Tests.Seed;

/// <summary>
/// What stands in for the seed's SQLAlchemy Session in the ported test_orm cases: a scoped unit of work over the
/// scope's traced connection that, like the Session, queues added rows until it flushes (commit, begin_nested),
/// runs queries at once, and begins its transaction on first use. Data access goes through Dapper.
/// </summary>
public sealed class UserSession(DbConnection connection) : IDisposable
{
    private readonly List<(int? Id, string Name)> _pending = [];
    private DbTransaction? _transaction;
    private int _savepoints;

    public static void CreateSchema(DbConnection connection, string identityColumn)
    {
        // On the provider's connection: setting up is not part of what the tests trace.
        using var command = connection.Unwrap().CreateCommand();
        command.CommandText = $"CREATE TEMPORARY TABLE users (id {identityColumn}, name VARCHAR(100))";
        command.ExecuteNonQuery();
    }

    public void Add(string name, int? id = null) => _pending.Add((id, name));

    public IReadOnlyList<string> AllNames() => [.. connection.Query<string>("SELECT name FROM users ORDER BY id", transaction: Transaction())];

    public int Execute(string sql) => connection.Execute(sql, transaction: Transaction());

    /// <summary>Saves all rows with one command (one span), like the seed's bulk_save_objects.</summary>
    public void BulkSave(IReadOnlyList<string> names)
    {
        if (connection.CanCreateBatch)
        {
            using var batch = connection.CreateBatch();
            batch.Transaction = Transaction();
            foreach (var name in names)
            {
                var insert = batch.CreateBatchCommand();
                insert.CommandText = "INSERT INTO users (name) VALUES (@name)";
                var parameter = insert.CreateParameter();
                parameter.ParameterName = "name";
                parameter.Value = name;
                insert.Parameters.Add(parameter);
                batch.BatchCommands.Add(insert);
            }

            batch.ExecuteNonQuery();
            return;
        }

        // Without batches (SQLite), one multi-row INSERT is still one command.
        var values = string.Join(", ", names.Select((_, i) => $"(@name{i})"));
        var parameters = new DynamicParameters();
        for (var i = 0; i < names.Count; i++)
        {
            parameters.Add($"name{i}", names[i]);
        }

        connection.Execute($"INSERT INTO users (name) VALUES {values}", parameters, Transaction());
    }

    public void BeginNested()
    {
        Flush();
        Transaction().Save($"nested{++_savepoints}");
    }

    /// <summary>Commits the innermost savepoint if one is open, else the transaction, as the Session does.</summary>
    public void Commit()
    {
        Flush();
        if (_savepoints > 0)
        {
            Transaction().Release($"nested{_savepoints--}");
            return;
        }

        _transaction?.Commit();
        EndTransaction();
    }

    public void Rollback()
    {
        _pending.Clear();
        _transaction?.Rollback();
        EndTransaction();
    }

    public void Dispose() => EndTransaction();

    private void Flush()
    {
        foreach (var (id, name) in _pending)
        {
            if (id is null)
            {
                connection.Execute("INSERT INTO users (name) VALUES (@name)", new { name }, Transaction());
            }
            else
            {
                connection.Execute("INSERT INTO users (id, name) VALUES (@id, @name)", new { id, name }, Transaction());
            }
        }

        _pending.Clear();
    }

    private DbTransaction Transaction()
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            connection.Open();
        }

        return _transaction ??= connection.BeginTransaction();
    }

    private void EndTransaction()
    {
        _transaction?.Dispose();
        _transaction = null;
        _savepoints = 0;
    }
}
