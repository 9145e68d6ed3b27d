using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Tests.Support;
using Autofac;
using Microsoft.Data.Sqlite;

namespace AopSqlTracing.Tests;

/// <summary>Keeps README.md's example compiling and doing what the README says it does.</summary>
public sealed class ReadmeExampleFixture
{
    [Fact]
    public void ReadmeExample_TracesTheStatementUnderTheParent()
    {
        using var recorder = new SpanRecorder();
        using var checkoutSpan = recorder.StartParent("checkout");

        Example(checkoutSpan);

        var span = Assert.Single(recorder.Spans);
        Assert.Equal("CREATE TABLE orders", span.DisplayName);
        Assert.Equal(checkoutSpan.SpanId, span.ParentSpanId);
    }

    // Between the markers: the README's example, line for line.
    private static void Example(Activity checkoutSpan)
    {
        // README example start
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => new SqliteConnection("Data Source=:memory:"))
            .InstancePerLifetimeScope();
        using var container = builder.Build();

        using var scope = container.BeginLifetimeScope();
        var connection = scope.Resolve<DbConnection>();
        connection.Open();

        using var transaction = connection.BeginTransaction();
        connection.SetParentSpan(checkoutSpan); // statements until commit are its children
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "CREATE TABLE orders (id INTEGER PRIMARY KEY)";
        command.ExecuteNonQuery(); // one span: "CREATE TABLE orders"
        transaction.Commit(); // ends the connection's mark
        // README example end
    }
}
