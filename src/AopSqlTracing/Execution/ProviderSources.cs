using System.Diagnostics;

namespace AopSqlTracing.Execution;

/// <summary>
/// Whether anyone listens to a provider's own <see cref="ActivitySource"/> (Npgsql's, MySqlConnector's). Only then is
/// our span made current for the provider's call, so that the provider's span is its child: otherwise nothing would
/// see the difference, and each command would pay two <see cref="Activity.Current"/> writes (72 B) for nothing.
/// </summary>
/// <remarks>
/// A source of the same name here answers for the provider's: listeners choose sources by name. It never starts an
/// Activity.
/// </remarks>
internal static class ProviderSources
{
    private static readonly ActivitySource Npgsql = new("Npgsql");
    private static readonly ActivitySource MySqlConnector = new("MySqlConnector");

    /// <summary>Tells whether the provider of an engine (by <c>db.system.name</c>) has its own spans listened to.</summary>
    public static bool IsListened(string systemName) => systemName switch
    {
        "postgresql" => Npgsql.HasListeners(),
        "mysql" or "mariadb" => MySqlConnector.HasListeners(),
        _ => false,
    };
}
