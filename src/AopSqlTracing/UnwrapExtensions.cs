using System.Data.Common;
using AopSqlTracing.Proxies;

namespace AopSqlTracing;

/// <summary>
/// Reaches the provider's own object behind a traced one, for APIs that need the provider's type
/// (<c>new NpgsqlCommand(sql, connection.Unwrap())</c>, bulk copy, provider-specific settings).
/// </summary>
/// <remarks>Work done directly on the unwrapped object is not traced. An object that is not ours is returned as it is.</remarks>
public static class UnwrapExtensions
{
    /// <summary>Gets the provider's connection behind a traced connection.</summary>
    /// <param name="connection">A traced or plain connection.</param>
    /// <returns>The provider's connection.</returns>
    public static DbConnection Unwrap(this DbConnection connection) => UnwrapChecked(connection);

    /// <summary>Gets the provider's command behind a traced command.</summary>
    /// <param name="command">A traced or plain command.</param>
    /// <returns>The provider's command.</returns>
    public static DbCommand Unwrap(this DbCommand command) => UnwrapChecked(command);

    /// <summary>Gets the provider's transaction behind a traced transaction.</summary>
    /// <param name="transaction">A traced or plain transaction.</param>
    /// <returns>The provider's transaction.</returns>
    public static DbTransaction Unwrap(this DbTransaction transaction) => UnwrapChecked(transaction);

    /// <summary>Gets the provider's data source behind a traced data source.</summary>
    /// <param name="dataSource">A traced or plain data source.</param>
    /// <returns>The provider's data source.</returns>
    public static DbDataSource Unwrap(this DbDataSource dataSource) => UnwrapChecked(dataSource);

    /// <summary>Gets the provider's reader behind a traced reader.</summary>
    /// <param name="reader">A traced or plain reader.</param>
    /// <returns>The provider's reader.</returns>
    public static DbDataReader Unwrap(this DbDataReader reader) => UnwrapChecked(reader);

    private static T UnwrapChecked<T>(T value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value, name);
        return ProxyTargets.Unwrap(value);
    }
}
