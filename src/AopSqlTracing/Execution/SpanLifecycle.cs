using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Engines;
using System.Runtime.CompilerServices;

namespace AopSqlTracing.Execution;

/// <summary>
/// Owns the library's <see cref="ActivitySource"/> and is the only code that creates, starts, fails and stops spans.
/// Every step is guarded: a listener that throws costs the span, never the database call, and our spans never
/// become <see cref="Activity.Current"/> for the caller: its current activity is the same before and after. The one
/// place where a span of ours is current is the provider's own call: started current for a call that runs at once
/// (<see cref="Start"/>, <see cref="StopCurrent"/>), or, for an ORM's call that runs elsewhere, the window
/// <see cref="EnterProviderCall"/> opens while the provider's own source is listened to
/// (<see cref="DbEngine.ProviderIsListened"/>); so the spans a provider starts itself (MySqlConnector's, Npgsql's)
/// are children of ours, not siblings.
/// </summary>
internal static class SpanLifecycle
{
    private static readonly ActivitySource Source = new(
        SqlTracing.ActivitySourceName,
        typeof(SpanLifecycle).Assembly.GetName().Version?.ToString(3));

    /// <summary>Gets whether anyone listens; checked first so an unobserved command does no tracing work.</summary>
    public static bool HasListeners => Source.HasListeners();

    /// <summary>Creates a span, not yet started, or returns null when no listener samples it.</summary>
    /// <param name="name">The span's name.</param>
    /// <param name="kind">Client for SQL, internal for a repository call.</param>
    /// <param name="parent">The chosen parent, or default for <see cref="Activity.Current"/> (a root when there is none).</param>
    /// <param name="tags">Tags a sampler sees before deciding (they are copied into the span).</param>
    public static Activity? Create(string name, ActivityKind kind, in ActivityContext parent, IEnumerable<KeyValuePair<string, object?>>? tags = null)
    {
        try
        {
            return Source.CreateActivity(name, kind, parent, tags);
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("sample", exception);
            return null;
        }
    }

    /// <summary>Starts a created span; null when a listener's start callback threw (the span is then finished).</summary>
    /// <param name="activity">The created span.</param>
    /// <param name="current">
    /// True for a call that runs at once in this flow and ends it there (<see cref="StopCurrent"/>): the span stays
    /// <see cref="Activity.Current"/> for the call, as a span is for the code it times. False: the caller's current
    /// activity is put back at once.
    /// </param>
    public static Activity? Start(Activity activity, bool current = false)
    {
        var previous = current ? null : Activity.Current;
        try
        {
            activity.Start();
            return activity;
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("start", exception);
            Stop(activity);
            return null;
        }
        finally
        {
            if (!current)
            {
                // Start made the span current: the caller's is put back without asking (the setter skips an equal value).
                Activity.Current = previous;
            }
        }
    }

    /// <summary>Finishes a span that ended well.</summary>
    public static void Stop(Activity activity)
    {
        // Stop puts back the Activity that was current when the span started, even where the caller has moved on:
        // the caller's is put back, unless the span itself is current (what Stop puts back is then the caller's).
        var current = Activity.Current;
        try
        {
            activity.Stop();
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("stop", exception);
        }
        finally
        {
            if (current != activity)
            {
                Restore(current);
            }
        }
    }

    /// <summary>
    /// Finishes a span started current for a call (<see cref="Start"/>), in the flow that started it: stopping it puts
    /// back <paramref name="caller"/>, the activity current before it started, so nothing is read or compared here.
    /// </summary>
    /// <param name="activity">The span, current in this flow.</param>
    /// <param name="caller">What was current before it started; put back here only when a listener's stop callback threw.</param>
    public static void StopCurrent(Activity activity, Activity? caller)
    {
        try
        {
            activity.Stop();
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("stop", exception);
            RestoreCurrent(caller);
        }
    }

    /// <summary>Marks the span as failed with <paramref name="exception"/>, as <paramref name="options"/> allow; the caller stops it.</summary>
    /// <param name="activity">The span.</param>
    /// <param name="exception">What the call threw; it goes on to the caller unchanged.</param>
    /// <param name="options">Whether the message may be recorded, and the hook to call.</param>
    /// <param name="engine">The engine that threw it, which tells how its error code is read.</param>
    // Off the common path: kept out of its callers' stack frames (a frame is zeroed whole on every call).
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void MarkFailed(Activity activity, Exception exception, SqlTracingOptions options, DbEngine engine)
    {
        try
        {
            activity.SetStatus(ActivityStatusCode.Error, options.RecordException ? exception.Message : null);
            if (activity.IsAllDataRequested)
            {
                var tags = new SpanTags(activity);
                SqlAttributes.AddFailure(ref tags, exception, engine);
                if (options.RecordException)
                {
                    activity.AddException(exception);
                }

                UserHooks.EnrichWithException(options, activity, exception);
            }
        }
        catch (Exception tagging)
        {
            SqlTracingEventSource.Log.TracingFailed("error tags", tagging);
        }
    }

    /// <summary>
    /// Makes <paramref name="span"/> <see cref="Activity.Current"/> for the provider's call that is about to run, and
    /// gives the caller's current activity, to be put back with <see cref="ExitProviderCall"/> as soon as the call
    /// returns (an async call has started by then, and keeps the span as its own current activity). False, and
    /// nothing changed, when the caller's current activity is one that could not be put back (stopped).
    /// </summary>
    public static bool EnterProviderCall(Activity span, out Activity? caller)
    {
        caller = Activity.Current;
        if (caller is { IsStopped: true } || span.IsStopped)
        {
            return false;
        }

        try
        {
            Activity.Current = span;
            return true;
        }
        catch (Exception exception)
        {
            // An Activity.CurrentChanged handler threw: the provider's spans go where they would without us.
            SqlTracingEventSource.Log.TracingFailed("current", exception);
            RestoreCurrent(caller);
            return false;
        }
    }

    /// <summary>Puts back the caller's current activity after a provider's call that <see cref="EnterProviderCall"/> prepared.</summary>
    public static void ExitProviderCall(Activity? caller) => RestoreCurrent(caller);

    /// <summary>
    /// Puts back <paramref name="current"/> when a provider's call changed <see cref="Activity.Current"/>: stopping a
    /// span it started under ours makes ours current again (<see cref="Activity.Stop"/> restores the activity that
    /// was current when that span started), and that must not reach the caller.
    /// </summary>
    public static void RestoreCurrent(Activity? current)
    {
        try
        {
            Restore(current);
        }
        catch (Exception exception)
        {
            SqlTracingEventSource.Log.TracingFailed("current", exception);
        }
    }

    private static void Restore(Activity? current)
    {
        if (Activity.Current != current)
        {
            Activity.Current = current;
        }
    }

    // A started span's own tags.
    private readonly struct SpanTags(Activity activity) : IAttributeSink
    {
        public void Add(string key, object? value)
        {
            if (value is not null)
            {
                activity.SetTag(key, value);
            }
        }
    }
}
