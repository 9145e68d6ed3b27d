using System.Data.Common;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>A prepared <see cref="UsersDatabase.PointSelect"/> and its key parameter, set before each run (untimed).</summary>
internal sealed record PreparedSelect(DbCommand Command, DbParameter Id)
{
    private static readonly object[] Keys = [.. Enumerable.Range(1, 100).Select(i => (object)i)];

    private int _next;

    public static PreparedSelect On(DbConnection connection)
    {
        var command = UsersDatabase.PreparePointSelect(connection, out var id);
        return new PreparedSelect(command, id);
    }

    public void NextKey() => Id.Value = Keys[_next++ % Keys.Length];
}
