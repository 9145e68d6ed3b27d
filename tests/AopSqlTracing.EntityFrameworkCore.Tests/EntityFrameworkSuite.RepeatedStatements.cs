using Microsoft.EntityFrameworkCore;
using AopSqlTracing.EntityFrameworkCore.Tests.Support;

namespace AopSqlTracing.EntityFrameworkCore.Tests;

/// <summary>The N+1 detector on a <c>DbContext</c>'s unit of work: one query per row of an earlier result, said once when the unit of work ends.</summary>
public abstract partial class EntityFrameworkSuite<TEngine>
{
    [SkippableFact]
    public void QueryPerRow_SaidOnceOnTheContextsParent_WhenTheMarkEnds()
    {
        using var shop = Shop(o => o.RepeatedStatementThreshold = 3);
        using var checkout = Recorder.StartParent("checkout");
        shop.SetParentSpan(checkout);

        var ids = shop.Products.OrderBy(p => p.Id).Select(p => p.Id).ToList();
        var names = ids.Select(id => shop.Products.Where(p => p.Id == id).Select(p => p.Name).Single()).ToList();
        Assert.Empty(checkout.Events);
        shop.ClearTraced();

        Assert.Equal(["apple", "bread", "coffee"], names);
        var repeated = Assert.Single(checkout.Events);
        Assert.Equal("db.repeated_statement", repeated.Name);
        Assert.Equal(3, repeated.Tags.Single(t => t.Key == "db.repeated_statement.count").Value);
        Assert.Equal("SELECT " + Table("products"), repeated.Tags.Single(t => t.Key == "db.query.summary").Value);
    }
}
