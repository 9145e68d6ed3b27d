using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Reflection;

namespace AopSqlTracing.Internal;

/// <summary>
/// The <c>db.response.status_code</c> of a provider's exception: its SQLSTATE when it has one (PostgreSQL), else the
/// provider's own error number (SQLite's <c>SqliteErrorCode</c>, SQL Server's <c>Number</c>), else <see cref="System.Runtime.InteropServices.ExternalException.ErrorCode"/>.
/// The property to read is found once per exception type.
/// </summary>
internal static class DbErrorCodes
{
    private static readonly string[] NumberProperties = ["SqliteErrorCode", "Number"];
    private static readonly ConcurrentDictionary<Type, PropertyInfo?> NumberProperty = new();

    public static string Of(DbException exception)
    {
        if (exception.SqlState is { Length: > 0 } sqlState)
        {
            return sqlState;
        }

        var property = NumberProperty.GetOrAdd(exception.GetType(), static type => NumberProperties
            .Select(name => type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance))
            .FirstOrDefault(candidate => candidate?.PropertyType == typeof(int)));
        var number = property?.GetValue(exception) is int value ? value : exception.ErrorCode;
        return number.ToString(CultureInfo.InvariantCulture);
    }
}
