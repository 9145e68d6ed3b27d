using AopSqlTracing.Dashboard.Tests.Support;

namespace AopSqlTracing.Dashboard.Tests;

/// <summary>The web demo exporting to the dashboard over OTLP/gRPC.</summary>
public sealed class GrpcExportFixture(GrpcExportRun run) : OtlpExportSuite<GrpcExportRun>(run);
