using System.Data.Common;
using AopSqlTracing.Internal;
using AopSqlTracing.Proxies;
using Autofac;

namespace AopSqlTracing.EntityFrameworkCore.Internal;

/// <summary>
/// A connection Entity Framework Core opened itself, seen as a traced connection: the database's options, the
/// lifetime scope the context was resolved in, and the facts its spans carry.
/// </summary>
internal sealed class EfConnection(TracedDatabase database, DbConnection connection, ILifetimeScope? scope)
    : ConnectionContext(database, connection, scope);
