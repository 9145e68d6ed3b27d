using System.Reflection;
using AopSqlTracing.Execution;
using AopSqlTracing.Marks;
using AopSqlTracing.Proxies;
using Autofac;
using Castle.DynamicProxy;

namespace AopSqlTracing.Repositories;

/// <summary>
/// Makes each traced repository call a span, and the parent (and trace mark) of the SQL run inside it, for as
/// long as the call's work lasts: the call itself, its task, or the enumeration of its async stream.
/// </summary>
internal sealed class RepositoryInterceptor(ILifetimeScope scope, TracedDatabases databases) : ITracingInterceptor
{
    private IParentSpanPolicy? _policy;

    public void Intercept(IInvocation invocation)
    {
        var method = invocation.Method;
        if (TracedAsyncEnumerable.IsAsyncStream(method.ReturnType))
        {
            // An async stream does its work when enumerated, so that is when its span starts.
            invocation.Proceed();
            invocation.ReturnValue = TracedAsyncEnumerable.Wrap(invocation.ReturnValue, method, this);
            return;
        }

        var execution = Begin(method);
        if (!execution.IsTraced)
        {
            invocation.Proceed();
            return;
        }

        var previous = AmbientRepositoryCall.Enter(execution.UnitOfWork!);
        try
        {
            invocation.Proceed();
        }
        catch (Exception exception)
        {
            execution.Fail(exception);
            throw;
        }
        finally
        {
            AmbientRepositoryCall.Exit(previous);
        }

        if (TracedEnumerable.IsSequence(method.ReturnType) && TracedEnumerable.IsLazy(invocation.ReturnValue))
        {
            // A lazy sequence does its work when enumerated: the call's span goes on until its first enumeration ends.
            invocation.ReturnValue = TracedEnumerable.Wrap(invocation.ReturnValue!, method, this, EnumerationSpan.Continue(execution, scope));
            return;
        }

        invocation.ReturnValue = Completion.EndWhenDone(invocation.ReturnValue, method.ReturnType, execution);
    }

    /// <summary>Gets the lifetime scope the repository was resolved in.</summary>
    public ILifetimeScope Scope => scope;

    /// <summary>Starts the call's span when the policy traces it.</summary>
    public SqlOperation Begin(MethodInfo method)
    {
        var described = TracedMethods.Describe(method);
        return SqlDoor.BeginRepositoryCall(method, described.SpanName, described.FunctionName, scope, _policy ??= ParentSpanPolicies.Resolve(scope), databases.RepositoryOptions);
    }
}
