using AopSqlTracing.Dashboard.Tests.Support;

namespace AopSqlTracing.Dashboard.Tests;

/// <summary>The web demo exporting to the dashboard over OTLP/HTTP with protobuf bodies.</summary>
public sealed class HttpProtobufExportFixture(HttpProtobufExportRun run) : OtlpExportSuite<HttpProtobufExportRun>(run);
