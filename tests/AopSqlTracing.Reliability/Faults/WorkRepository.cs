using System.Data.Common;
using AopSqlTracing.Reliability.Support;

namespace AopSqlTracing.Reliability.Faults;

public sealed class WorkRepository(DbConnection connection) : IWorkRepository
{
    public long BeginWork()
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            connection.Open();
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 42";
        var answer = (long)command.ExecuteScalar()!;
        TestSpans.Source.StartActivity("user work");
        return answer;
    }
}
