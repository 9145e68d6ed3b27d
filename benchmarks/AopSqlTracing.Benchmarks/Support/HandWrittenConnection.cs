using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace AopSqlTracing.Benchmarks;

/// <summary>
/// The reference for "the least a wrapper can cost": a hand-written DbConnection decorator whose commands start
/// the same Activity with the same tags as AopSqlTracing, with no proxies, no marks and no policy.
/// </summary>
public sealed class HandWrittenConnection(DbConnection inner) : DbConnection
{
    [AllowNull]
    public override string ConnectionString
    {
        get => inner.ConnectionString;
        set => inner.ConnectionString = value;
    }

    public override string Database => inner.Database;

    public override string DataSource => inner.DataSource;

    public override string ServerVersion => inner.ServerVersion;

    public override ConnectionState State => inner.State;

    public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);

    public override void Close() => inner.Close();

    public override void Open() => inner.Open();

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => inner.BeginTransaction(isolationLevel);

    protected override DbCommand CreateDbCommand() => new HandWrittenCommand(inner.CreateCommand(), this);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
