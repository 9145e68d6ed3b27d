using System.ComponentModel;
using System.Data;
using System.Reflection;
using System.Reflection.Emit;

namespace AopSqlTracing.Proxies;

/// <summary>
/// Events of the provider's object seen from the proxy the user holds: handlers subscribed on the proxy fire, with
/// the proxy as their sender, exactly as they would on an untraced object.
/// </summary>
internal static class ProxyEvents
{
    // Component.Dispose(bool) raises Disposed. Our proxies forward Dispose to the provider's object, so the proxy's
    // own implementation never runs and handlers subscribed on the proxy would never fire: it is called here
    // directly (a non-virtual call, or it would be forwarded again).
    private static readonly Action<Component> ComponentDispose = CompileBaseDispose();

    /// <summary>Raises <see cref="Component.Disposed"/> of <paramref name="proxy"/> for the handlers subscribed on it.</summary>
    public static void RaiseDisposed(object proxy)
    {
        if (proxy is Component component)
        {
            ComponentDispose(component);
        }
    }

    /// <summary>Wraps a <c>StateChange</c> handler so the provider's event reaches it with <paramref name="sender"/>.</summary>
    public static StateChangeEventHandler WithSender(StateChangeEventHandler handler, object sender)
        => (_, args) => handler(sender, args);

    private static Action<Component> CompileBaseDispose()
    {
        var dispose = typeof(Component).GetMethod("Dispose", BindingFlags.Instance | BindingFlags.NonPublic, [typeof(bool)])!;
        var method = new DynamicMethod("ComponentDispose", null, [typeof(Component)], typeof(Component), skipVisibility: true);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Call, dispose);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<Action<Component>>();
    }
}
