using System.Diagnostics;
using AopSqlTracing.EntityFrameworkCore.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace AopSqlTracing.EntityFrameworkCore.Tests;

/// <summary>
/// <c>TraceTransactions</c> and <c>TraceConnectionOpen</c> on EF Core's own connection: opening it and each step of
/// a transaction are spans under the context's parent, and a commit still ends the context's mark.
/// </summary>
public abstract partial class EntityFrameworkSuite<TEngine>
{
    private static readonly Action<SqlTracingOptions> Steps = o =>
    {
        o.TraceAllCommands = false;
        o.TraceTransactions = true;
        o.TraceConnectionOpen = true;
    };

    [SkippableFact]
    public async Task ExplicitTransaction_OpenAndSteps_AreSpansUnderTheContextsParent()
    {
        await using var shop = Shop(Steps);
        using var checkout = Recorder.StartParent("checkout");
        shop.SetParentSpan(checkout);

        await using (var transaction = await shop.Database.BeginTransactionAsync())
        {
            shop.Products.Add(new Product { Name = "dates", Price = 7 });
            await shop.SaveChangesAsync();
            await transaction.CreateSavepointAsync("after_dates");
            await transaction.RollbackToSavepointAsync("after_dates");
            await transaction.CommitAsync();
        }

        Assert.False(shop.GetTraced());
        var names = Recorder.Spans.Select(s => s.DisplayName).ToList();
        Assert.Equal(["open", "BEGIN"], names.Take(2));
        Assert.Equal("COMMIT", names[^1]);
        Assert.Contains(names, name => name.StartsWith("INSERT", StringComparison.Ordinal));
        Assert.Contains("ROLLBACK TO SAVEPOINT", names);
        Assert.All(Recorder.Spans, span =>
        {
            Assert.Equal(checkout.SpanId, span.ParentSpanId);
            Assert.Equal(Engine.SystemName, span.GetTagItem("db.system.name"));
        });
        Assert.Equal("COMMIT", Recorder.Spans[^1].GetTagItem("db.operation.name"));
    }

    [SkippableFact]
    public void Rollback_Sync_IsASpan_AndOffByDefault_NoStepSpans()
    {
        // Made first: making a context seeds the shop and forgets the spans recorded so far.
        using var shop = Shop(Steps);
        using var untouched = Shop();

        shop.SetTraced();
        using (var transaction = shop.Database.BeginTransaction())
        {
            transaction.Rollback();
        }

        using (var transaction = untouched.Database.BeginTransaction())
        {
            transaction.Commit();
        }

        Assert.Equal(["open", "BEGIN", "ROLLBACK"], Recorder.Spans.Select(s => s.DisplayName));
        Assert.All(Recorder.Spans, span => Assert.Equal(Recorder.Root.SpanId, span.ParentSpanId));
        Assert.All(Recorder.Spans, span => Assert.Equal(ActivityStatusCode.Unset, span.Status));
    }
}
