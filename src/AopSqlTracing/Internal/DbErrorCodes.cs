using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Reflection;

namespace AopSqlTracing.Internal;

/// <summary>
/// The <c>db.response.status_code</c> of a provider's exception, as each engine's conventions ask: the provider's
/// own error number when it has one (SQLite's <c>SqliteErrorCode</c>; SQL Server's, MySQL's and MariaDB's
/// <c>Number</c>, though MySqlConnector also gives a SQLSTATE), else its SQLSTATE (PostgreSQL), else
/// <see cref="System.Runtime.InteropServices.ExternalException.ErrorCode"/>. The property to read is found once per
/// exception type.
/// </summary>
internal static class DbErrorCodes
{
    private static readonly string[] NumberProperties = ["SqliteErrorCode", "Number"];
    private static readonly ConcurrentDictionary<Type, PropertyInfo?> NumberProperty = new();

    public static string Of(DbException exception)
    {
        var property = NumberProperty.GetOrAdd(exception.GetType(), static type => NumberProperties
            .Select(name => type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance))
            .FirstOrDefault(candidate => candidate?.PropertyType == typeof(int)));
        if (property?.GetValue(exception) is int number)
        {
            return number.ToString(CultureInfo.InvariantCulture);
        }

        return exception.SqlState is { Length: > 0 } sqlState
            ? sqlState
            : exception.ErrorCode.ToString(CultureInfo.InvariantCulture);
    }
}
