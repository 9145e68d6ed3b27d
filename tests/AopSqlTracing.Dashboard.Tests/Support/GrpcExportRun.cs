namespace AopSqlTracing.Dashboard.Tests.Support;

/// <summary>The run whose demo exports over OTLP/gRPC.</summary>
public sealed class GrpcExportRun : OtlpExportRun
{
    public override string Protocol => "grpc";
}
