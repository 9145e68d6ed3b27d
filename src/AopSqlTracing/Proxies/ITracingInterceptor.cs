using Castle.DynamicProxy;

namespace AopSqlTracing.Proxies;

/// <summary>Tells our proxies apart from proxies made by other Castle users.</summary>
internal interface ITracingInterceptor : IInterceptor;
