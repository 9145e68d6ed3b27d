using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace AopSqlTracing.Benchmarks;

/// <summary>The hand-written decorator's command: one Activity per execution, the same tags, computed once per text.</summary>
public sealed class HandWrittenCommand(DbCommand inner, DbConnection connection) : DbCommand
{
    public static readonly ActivitySource Source = new("HandWritten");

    private string? _operation;
    private string? _collection;
    private string? _summary;

    [AllowNull]
    public override string CommandText
    {
        get => inner.CommandText;
        set
        {
            inner.CommandText = value;

            // What a decorator would work out once per text: here, the benchmark's point select.
            _operation = "SELECT";
            _collection = "users";
            _summary = "SELECT users";
        }
    }

    public override int CommandTimeout { get => inner.CommandTimeout; set => inner.CommandTimeout = value; }

    public override CommandType CommandType { get => inner.CommandType; set => inner.CommandType = value; }

    public override bool DesignTimeVisible { get => inner.DesignTimeVisible; set => inner.DesignTimeVisible = value; }

    public override UpdateRowSource UpdatedRowSource { get => inner.UpdatedRowSource; set => inner.UpdatedRowSource = value; }

    protected override DbConnection? DbConnection { get => connection; set => throw new NotSupportedException(); }

    protected override DbParameterCollection DbParameterCollection => inner.Parameters;

    protected override DbTransaction? DbTransaction { get => inner.Transaction; set => inner.Transaction = value; }

    public override void Cancel() => inner.Cancel();

    public override int ExecuteNonQuery()
    {
        using var activity = Start();
        return inner.ExecuteNonQuery();
    }

    public override object? ExecuteScalar()
    {
        using var activity = Start();
        return inner.ExecuteScalar();
    }

    public override void Prepare() => inner.Prepare();

    protected override DbParameter CreateDbParameter() => inner.CreateParameter();

    protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) => inner.ExecuteReader(behavior);

    private Activity? Start()
    {
        var activity = Source.StartActivity("select", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", "sqlite");
            activity.SetTag("db.namespace", connection.Database);
            activity.SetTag("db.query.text", inner.CommandText);
            activity.SetTag("db.operation.name", _operation);
            activity.SetTag("db.query.summary", _summary);
            activity.SetTag("db.collection.name", _collection);
        }

        return activity;
    }
}
