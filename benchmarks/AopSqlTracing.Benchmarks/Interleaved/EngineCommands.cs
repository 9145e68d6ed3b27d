using System.Data.Common;
using AopSqlTracing;
using Autofac;

namespace AopSqlTracing.Benchmarks.Interleaved;

/// <summary>The prepared point selects of one engine, each with its own command and key parameter.</summary>
internal sealed class EngineCommands
{
    private EngineCommands()
    {
    }

    /// <summary>Gets the provider's connection every command below runs on.</summary>
    public required DbConnection Provider { get; init; }

    /// <summary>Gets our tracing proxy of <see cref="Provider"/> (the registration tracing every command).</summary>
    public required DbConnection TracedConnection { get; init; }

    public required PreparedSelect Raw { get; init; }

    /// <summary>Gets a raw command for variants that add their own tracing around it (Npgsql's, a bare Activity).</summary>
    public required PreparedSelect RawForNpgsqlTracing { get; init; }

    public required PreparedSelect RawForSpanFloor { get; init; }

    /// <summary>Gets a raw command behind a Castle proxy whose interceptor only proceeds.</summary>
    public required PreparedSelect CastleFloor { get; init; }

    public required PreparedSelect Traced { get; init; }

    public required PreparedSelect Untraced { get; init; }

    /// <summary>Gets a raw command used between timed executions (an untimed round trip), never timed itself.</summary>
    public required PreparedSelect Separator { get; init; }

    public static EngineCommands Create(DbConnection provider, string identity, List<IDisposable> owned)
    {
        var traced = Resolve(provider, traceAll: true, owned);
        var untraced = Resolve(provider, traceAll: false, owned);
        owned.Add(provider);
        traced.Open();
        UsersDatabase.Create(provider, 100, identity);
        var castleTarget = PreparedSelect.On(provider);
        return new EngineCommands
        {
            Provider = provider,
            TracedConnection = traced,
            Raw = PreparedSelect.On(provider),
            RawForNpgsqlTracing = PreparedSelect.On(provider),
            RawForSpanFloor = PreparedSelect.On(provider),
            CastleFloor = castleTarget with
            {
                Command = PassThroughInterceptor.Generator.CreateClassProxyWithTarget(castleTarget.Command, new PassThroughInterceptor()),
            },
            Traced = PreparedSelect.On(traced),
            Untraced = PreparedSelect.On(untraced),
            Separator = PreparedSelect.On(provider),
        };
    }

    private static DbConnection Resolve(DbConnection provider, bool traceAll, List<IDisposable> owned)
    {
        var builder = new ContainerBuilder();
        builder.RegisterTracedDatabase(_ => provider, o => o.TraceAllCommands = traceAll).SingleInstance().ExternallyOwned();
        var container = builder.Build();
        owned.Add(container);
        return container.Resolve<DbConnection>();
    }
}
