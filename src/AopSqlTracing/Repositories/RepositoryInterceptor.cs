using System.Diagnostics;
using System.Reflection;
using AopSqlTracing.Internal;
using AopSqlTracing.Marks;
using AopSqlTracing.Proxies;
using Autofac;
using Castle.DynamicProxy;

namespace AopSqlTracing.Repositories;

/// <summary>
/// Makes each traced repository call a span, and the parent (and trace mark) of the SQL run inside it, for as
/// long as the call's work lasts: the call itself, its task, or the enumeration of its async stream.
/// </summary>
internal sealed class RepositoryInterceptor(ILifetimeScope scope) : ITracingInterceptor
{
    private IParentSpanPolicy? _policy;

    public void Intercept(IInvocation invocation)
    {
        var method = invocation.Method;
        if (AsyncResults.IsAsyncEnumerable(method.ReturnType))
        {
            // An async stream does its work when enumerated, so that is when its span starts.
            invocation.Proceed();
            invocation.ReturnValue = AsyncResults.TraceEnumeration(invocation.ReturnValue, method, this);
            return;
        }

        var activity = Begin(method);
        if (activity is null)
        {
            invocation.Proceed();
            return;
        }

        var previous = AmbientRepositoryCall.Enter(new TraceMark(activity.Context));
        try
        {
            invocation.Proceed();
        }
        catch (Exception exception)
        {
            SqlSpanFactory.Fail(activity, exception);
            throw;
        }
        finally
        {
            AmbientRepositoryCall.Exit(previous);
        }

        invocation.ReturnValue = AsyncResults.EndWhenDone(invocation.ReturnValue, method.ReturnType, activity);
    }

    /// <summary>Starts the call's span when the policy traces it; null otherwise.</summary>
    public Activity? Begin(MethodInfo method)
    {
        if (!SqlSpanFactory.HasListeners)
        {
            return null;
        }

        _policy ??= ParentSpanPolicies.Resolve(scope);
        return ParentSpans.TryChooseForRepositoryCall(method, scope, _policy, out var parent)
            ? SqlSpanFactory.StartRepositoryCall(TracedMethods.Describe(method), parent)
            : null;
    }
}
