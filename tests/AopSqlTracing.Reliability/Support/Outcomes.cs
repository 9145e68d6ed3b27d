using System.Globalization;

namespace AopSqlTracing.Reliability.Support;

/// <summary>
/// What a database call did, as text to compare between a traced and an untraced run: its value, or the type and
/// message of what it threw. Two runs of one workload are equal when their outcome lists are.
/// </summary>
public static class Outcomes
{
    public static string Of(Func<object?> call)
    {
        try
        {
            return Value(call());
        }
        catch (Exception exception)
        {
            return Error(exception);
        }
    }

    public static async Task<string> OfAsync(Func<Task<object?>> call)
    {
        try
        {
            return Value(await call());
        }
        catch (Exception exception)
        {
            return Error(exception);
        }
    }

    public static string Error(Exception exception) => $"threw {exception.GetType().FullName}: {exception.Message}";

    public static bool IsError(string outcome) => outcome.StartsWith("threw ", StringComparison.Ordinal);

    private static string Value(object? value) => value switch
    {
        null => "null",
        DBNull => "DBNull",
        IFormattable formattable => $"{value.GetType().Name} {formattable.ToString(null, CultureInfo.InvariantCulture)}",
        _ => $"{value.GetType().Name} {value}",
    };
}
