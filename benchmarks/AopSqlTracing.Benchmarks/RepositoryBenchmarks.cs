using System.Data.Common;
using AopSqlTracing;
using Autofac;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Benchmarks;

/// <summary>Case 6: a [Traced] repository method running one query, against the same code called directly.</summary>
[MemoryDiagnoser]
public class RepositoryBenchmarks
{
    private SqliteConnection _raw = null!;
    private UserQueries _direct = null!;
    private IContainer _container = null!;
    private IUserQueries _traced = null!;
    private UserQueries _directOnTraced = null!;
    private System.Diagnostics.ActivityListener _listener = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _raw = new SqliteConnection("Data Source=:memory:");
        _raw.Open();
        UsersDatabase.Create(_raw, 100);
        _direct = new UserQueries(_raw);

        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:"), o => o.TraceAllCommands = false).SingleInstance();
        builder.RegisterType<UserQueries>().As<IUserQueries>().SingleInstance();
        _container = builder.Build();
        var traced = _container.Resolve<DbConnection>();
        traced.Open();
        UsersDatabase.Create(traced.Unwrap(), 100);
        _traced = _container.Resolve<IUserQueries>();
        _directOnTraced = new UserQueries(traced);
        _listener = SpanListener.Start(SqlTracing.ActivitySourceName);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener.Dispose();
        _container.Dispose();
        _raw.Dispose();
    }

    [Benchmark(Baseline = true, Description = "repository code, raw connection")]
    public string? Direct() => _direct.NameOf(Next());

    [Benchmark(Description = "repository code, traced connection, not traced")]
    public string? DirectOnTracedConnection() => _directOnTraced.NameOf(Next());

    [Benchmark(Description = "[Traced] repository: call span + SQL span")]
    public string? TracedRepository() => _traced.NameOf(Next());

    private int Next() => (_next++ % 100) + 1;
}

/// <summary>The benchmark's repository interface.</summary>
[Traced]
public interface IUserQueries
{
    string? NameOf(int id);
}

/// <summary>One query per call, a new command each time, as repository code usually does.</summary>
public sealed class UserQueries(DbConnection connection) : IUserQueries
{
    public string? NameOf(int id)
    {
        using var command = connection.CreateCommand();
        command.CommandText = UsersDatabase.PointSelect;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "id";
        parameter.Value = id;
        command.Parameters.Add(parameter);
        return (string?)command.ExecuteScalar();
    }
}
