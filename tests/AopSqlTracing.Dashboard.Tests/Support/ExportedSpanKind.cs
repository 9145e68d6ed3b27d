namespace AopSqlTracing.Dashboard.Tests.Support;

/// <summary>The span kinds of the OTLP protocol, by their numbers on the wire.</summary>
public enum ExportedSpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}
