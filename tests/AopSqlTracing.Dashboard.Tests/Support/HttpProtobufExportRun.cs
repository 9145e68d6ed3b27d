namespace AopSqlTracing.Dashboard.Tests.Support;

/// <summary>The run whose demo exports over OTLP/HTTP with protobuf bodies.</summary>
public sealed class HttpProtobufExportRun : OtlpExportRun
{
    public override string Protocol => "http/protobuf";
}
