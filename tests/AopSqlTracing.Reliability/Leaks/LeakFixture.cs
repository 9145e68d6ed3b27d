using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using AopSqlTracing.Reliability.Support;
using Autofac;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace AopSqlTracing.Reliability.Leaks;

/// <summary>
/// Marks keep nothing alive: commands, connections and lifetime scopes marked and dropped leave the heap where it
/// was, and a long-lived connection's internal bookkeeping does not grow with the commands it runs. Each figure is
/// printed beside the same work done untraced.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class LeakFixture(ITestOutputHelper output)
{
    // Npgsql makes commands and connections without a server and keeps no list of its commands (Microsoft.Data.Sqlite
    // keeps a weak reference per command on its connection: about 33 MB per million, untraced as much as traced),
    // so whatever stays is ours.
    private const string NeverOpened = "Host=127.0.0.1;Port=1;Database=none";
    private const long Allowed = 5 * Heap.Megabyte;

    [Fact]
    public void MarkedCommands_DroppedUnexecuted_HeapBackAndCommandsCollected()
    {
        var count = Soak.Size(ci: 1_000_000, soak: 1_000_000);
        using var counter = new SpanCounter();
        var parent = TestSpans.StartDetached("parent", counter.Root.Context);
        using var container = Traced(_ => new NpgsqlConnection(NeverOpened));
        using var scope = container.BeginLifetimeScope();
        var connection = scope.Resolve<DbConnection>();
        using var raw = new NpgsqlConnection(NeverOpened);
        MarkCommands(raw, parent, 1_000);
        MarkCommands(connection, parent, 1_000);

        var untraced = Measure(() => MarkCommands(raw, parent, count));
        var traced = Measure(() => MarkCommands(connection, parent, count));

        Report($"{count:N0} commands created, marked (SetTraced / SetParentSpan) and dropped", untraced, traced);
        Assert.True(traced.Growth < Allowed, $"heap grew by {Heap.Mb(traced.Growth)}");
        Assert.Equal(0, traced.Alive);
    }

    [Fact]
    public void MarkedConnections_DroppedUnopened_HeapBackAndConnectionsCollected()
    {
        var count = Soak.Size(ci: 100_000, soak: 100_000);
        using var counter = new SpanCounter();
        var parent = TestSpans.StartDetached("parent", counter.Root.Context);
        using var rawContainer = Untraced(_ => new SqliteConnection("Data Source=:memory:"), externallyOwned: true);
        using var container = Traced(_ => new SqliteConnection("Data Source=:memory:"), externallyOwned: true);
        MarkConnections(rawContainer, parent, 1_000, mark: false);
        MarkConnections(container, parent, 1_000, mark: true);

        var untraced = Measure(() => MarkConnections(rawContainer, parent, count, mark: false));
        var traced = Measure(() => MarkConnections(container, parent, count, mark: true));

        Report($"{count:N0} connections resolved, marked and dropped", untraced, traced);
        Assert.True(traced.Growth < Allowed, $"heap grew by {Heap.Mb(traced.Growth)}");
        Assert.Equal(0, traced.Alive);
    }

    [Fact]
    public void MarkedScopes_Disposed_HeapBackAndScopesCollected()
    {
        var count = Soak.Size(ci: 100_000, soak: 100_000);
        using var counter = new SpanCounter();
        var parent = TestSpans.StartDetached("parent", counter.Root.Context);
        using var rawContainer = Untraced(_ => new SqliteConnection("Data Source=:memory:"), externallyOwned: false);
        using var container = Traced(_ => new SqliteConnection("Data Source=:memory:"), externallyOwned: false);
        MarkScopes(rawContainer, parent, 1_000, mark: false);
        MarkScopes(container, parent, 1_000, mark: true);

        var untraced = Measure(() => MarkScopes(rawContainer, parent, count, mark: false));
        var traced = Measure(() => MarkScopes(container, parent, count, mark: true));

        Report($"{count:N0} lifetime scopes marked (SetParentSpan / SetTraced), a connection resolved in each, disposed", untraced, traced);
        Assert.True(traced.Growth < Allowed, $"heap grew by {Heap.Mb(traced.Growth)}");
        Assert.Equal(0, traced.Alive);
    }

    [Fact]
    public async Task OneConnection_ManyTracedExecutions_NoInternalGrowth()
    {
        var count = Soak.Size(ci: 100_000, soak: 100_000);
        using var counter = new SpanCounter();
        using var container = Traced(_ => new SqliteConnection("Data Source=:memory:"), externallyOwned: false);
        using var scope = container.BeginLifetimeScope();
        var connection = scope.Resolve<DbConnection>();
        connection.Open();
        using var raw = new SqliteConnection("Data Source=:memory:");
        raw.Open();
        var parent = TestSpans.StartDetached("parent", counter.Root.Context);
        foreach (var each in new[] { raw, connection })
        {
            Run(each, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)");
            Run(each, "INSERT INTO t (n) VALUES (0)");

            // More distinct texts than the classifier caches, so its bounded cache is full before measuring.
            await ExecuteMany(each, parent, 0, 10_000);
        }

        var untraced = Measure(() => ExecuteMany(raw, parent, 10_000, count).GetAwaiter().GetResult());
        var started = counter.Started;
        var traced = Measure(() => ExecuteMany(connection, parent, 10_000, count).GetAwaiter().GetResult());
        var spans = counter.Started - started;

        output.Print($"{count:N0} executions on one open connection ({Soak.Mode} size; distinct texts, sync and async, readers, "
            + $"transactions, marks), {spans:N0} spans: heap untraced {Heap.Mb(untraced.Growth)}, traced {Heap.Mb(traced.Growth)}, "
            + $"after a 10,000-execution warm-up");
        Assert.Equal(count, spans);
        Assert.Equal(counter.Started, counter.Stopped);
        Assert.True(traced.Growth < Heap.Megabyte, $"heap grew by {Heap.Mb(traced.Growth)} over {count:N0} executions");
    }

    private static IContainer Traced(Func<IComponentContext, DbConnection> factory, bool externallyOwned = false)
    {
        var builder = new ContainerBuilder();
        var registration = builder.RegisterTracedDatabase(factory);
        if (externallyOwned)
        {
            registration.ExternallyOwned();
        }
        else
        {
            registration.InstancePerLifetimeScope();
        }

        return builder.Build();
    }

    private static IContainer Untraced(Func<IComponentContext, DbConnection> factory, bool externallyOwned)
    {
        var builder = new ContainerBuilder();
        var registration = builder.Register(factory).As<DbConnection>();
        if (externallyOwned)
        {
            registration.ExternallyOwned();
        }
        else
        {
            registration.InstancePerLifetimeScope();
        }

        return builder.Build();
    }

    private static Measurement Measure(Func<List<WeakReference>> work)
    {
        var stopwatch = Stopwatch.StartNew();
        var before = Heap.Settled();
        var references = work();
        var after = Heap.Settled();
        return new Measurement(after - before, references.Count(reference => reference.IsAlive), references.Count, stopwatch.Elapsed);
    }

    private static Measurement Measure(Action work) => Measure(() =>
    {
        work();
        return [];
    });

    private void Report(string what, Measurement untraced, Measurement traced)
        => output.Print($"{what} ({Soak.Mode} size): heap untraced {Heap.Mb(untraced.Growth)} in {untraced.Elapsed.TotalSeconds:F1} s, "
            + $"traced {Heap.Mb(traced.Growth)} in {traced.Elapsed.TotalSeconds:F1} s; "
            + $"sampled weak references alive: untraced {untraced.Alive} of {untraced.Sampled}, traced {traced.Alive} of {traced.Sampled}");

    // Not inlined, so no local of the loop outlives it on the caller's stack.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> MarkCommands(DbConnection connection, Activity parent, int count)
    {
        var references = new List<WeakReference>();
        for (var i = 0; i < count; i++)
        {
            var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            if (i % 2 == 0)
            {
                command.SetTraced();
            }
            else
            {
                command.SetParentSpan(parent);
            }

            if (i % 10_000 == 0)
            {
                references.Add(new WeakReference(command));
                references.Add(new WeakReference(command.Unwrap()));
            }
        }

        return references;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> MarkConnections(IContainer container, Activity parent, int count, bool mark)
    {
        var references = new List<WeakReference>();
        for (var i = 0; i < count; i++)
        {
            var connection = container.Resolve<DbConnection>();
            if (mark && i % 2 == 0)
            {
                connection.SetParentSpan(parent);
            }
            else if (mark)
            {
                connection.SetTraced();
            }

            if (i % 1_000 == 0)
            {
                references.Add(new WeakReference(connection));
                references.Add(new WeakReference(connection.Unwrap()));
            }
        }

        return references;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> MarkScopes(IContainer container, Activity parent, int count, bool mark)
    {
        var references = new List<WeakReference>();
        for (var i = 0; i < count; i++)
        {
            var scope = container.BeginLifetimeScope();
            if (mark && i % 2 == 0)
            {
                scope.SetParentSpan(parent);
            }
            else if (mark)
            {
                scope.SetTraced();
            }

            var connection = scope.Resolve<DbConnection>();
            if (i % 1_000 == 0)
            {
                references.Add(new WeakReference(scope));
                references.Add(new WeakReference(connection));
            }

            scope.Dispose();
        }

        return references;
    }

    // Each execution is different text; every tenth is a reader, every seventh async, every hundredth in a
    // committed or rolled-back transaction, every fiftieth under a command mark.
    private static async Task ExecuteMany(DbConnection connection, Activity parent, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            var transaction = i % 100 == 0 ? connection.BeginTransaction() : null;
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                if (i % 50 == 0)
                {
                    command.SetParentSpan(parent);
                }

                if (i % 10 == 0)
                {
                    command.CommandText = $"SELECT n, {i} FROM t";
                    await using var reader = i % 7 == 0 ? await command.ExecuteReaderAsync() : command.ExecuteReader();
                    while (reader.Read())
                    {
                    }
                }
                else
                {
                    command.CommandText = $"UPDATE t SET n = {i}";
                    _ = i % 7 == 0 ? await command.ExecuteNonQueryAsync() : command.ExecuteNonQuery();
                }
            }

            if (transaction is not null)
            {
                if (i % 200 == 0)
                {
                    transaction.Commit();
                }
                else
                {
                    transaction.Rollback();
                }

                transaction.Dispose();
            }
        }
    }

    private static void Run(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed record Measurement(long Growth, int Alive, int Sampled, TimeSpan Elapsed);
}
