namespace AopSqlTracing.Dashboard.Tests.Support;

/// <summary>The Aspire dashboard could not be had: its package is missing, or its process did not start serving.</summary>
public sealed class DashboardUnavailableException(string message) : Exception(message);
