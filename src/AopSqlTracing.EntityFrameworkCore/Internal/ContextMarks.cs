using System.Diagnostics;
using System.Runtime.CompilerServices;
using AopSqlTracing.Execution;
using Microsoft.EntityFrameworkCore;

namespace AopSqlTracing.EntityFrameworkCore.Internal;

/// <summary>
/// A context's mark, kept by the door beside the context, for the lease it was set in: a pooled context handed back
/// to the pool and rented again (a new lease) has no mark of an earlier renter's.
/// </summary>
internal static class ContextMarks
{
    private static readonly ConditionalWeakTable<DbContext, StrongBox<int>> Leases = new();

    public static void Set(DbContext context, ActivityContext? parent)
    {
        SqlDoor.SetMark(context, parent);
        Leased(context);
    }

    /// <summary>Marks the context under <paramref name="span"/>, which hears of the unit of work's repeated statements.</summary>
    public static void Set(DbContext context, Activity span)
    {
        SqlDoor.SetMark(context, span);
        Leased(context);
    }

    public static void Clear(DbContext context)
    {
        SqlDoor.ClearMark(context);
        Leases.Remove(context);
    }

    public static SqlTraceMark Get(DbContext context)
    {
        DropIfStale(context);
        return SqlDoor.GetMark(context);
    }

    private static void Leased(DbContext context) => Leases.AddOrUpdate(context, new StrongBox<int>(context.ContextId.Lease));

    /// <summary>Drops the mark of an earlier lease of a pooled context.</summary>
    public static void DropIfStale(DbContext? context)
    {
        if (context is not null && Leases.TryGetValue(context, out var lease) && lease.Value != context.ContextId.Lease)
        {
            Clear(context);
        }
    }
}
