using Castle.DynamicProxy;

namespace AopSqlTracing.Benchmarks;

/// <summary>The Castle floor: an interceptor that only proceeds. Nothing Castle-based can cost less.</summary>
public sealed class PassThroughInterceptor : IInterceptor
{
    public static readonly ProxyGenerator Generator = new();

    public void Intercept(IInvocation invocation) => invocation.Proceed();
}
