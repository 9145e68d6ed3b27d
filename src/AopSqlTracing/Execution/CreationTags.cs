using System.Collections;

namespace AopSqlTracing.Execution;

/// <summary>
/// The tags handed to <c>ActivitySource.CreateActivity</c>, so a head sampler can decide on the system, operation,
/// table, summary, server and text. <see cref="System.Diagnostics.Activity"/> copies them into the span it creates, so one
/// instance per thread is reused while they are built, and it is its own enumerator: passing them allocates nothing
/// beyond the tags the span would carry anyway. A command's ready tags have an instance of their own (<see cref="Over"/>).
/// </summary>
internal sealed class CreationTags : IAttributeSink, IEnumerable<KeyValuePair<string, object?>>, IEnumerator<KeyValuePair<string, object?>>
{
    private const int Capacity = 10;

    [ThreadStatic]
    private static CreationTags? _cached;

    // The buffer being filled, or a command's ready tags (DescribedCommand), handed over without a copy.
    private readonly KeyValuePair<string, object?>[] _tags;
    private int _count;
    private int _index = -1;

    private CreationTags() => _tags = new KeyValuePair<string, object?>[Capacity];

    private CreationTags(KeyValuePair<string, object?>[] ready)
    {
        _tags = ready;
        _count = ready.Length;
    }

    public KeyValuePair<string, object?> Current => _tags[_index];

    object IEnumerator.Current => Current;

    /// <summary>Takes this thread's instance, or a new one when a listener creates a span while sampling ours.</summary>
    public static CreationTags Rent()
    {
        var tags = _cached ?? new CreationTags();
        _cached = null;
        return tags;
    }

    /// <summary>
    /// Makes an instance of its own over <paramref name="ready"/> (which it never changes), for a command that runs the
    /// same text again: handed over without renting this thread's instance, never returned.
    /// </summary>
    public static CreationTags Over(KeyValuePair<string, object?>[] ready) => new(ready);

    /// <summary>The attributes of <paramref name="description"/> as an array: the span's creation tags, or a measurement's.</summary>
    public static KeyValuePair<string, object?>[] ArrayOf(in SpanDescription description, Engines.ConnectionFacts facts, bool forSpan)
    {
        var tags = Rent();
        if (forSpan)
        {
            SqlAttributes.AddSpanCreation(tags, description, facts);
        }
        else
        {
            SqlAttributes.AddOperation(ref tags, description, facts);
        }

        var array = tags._tags.AsSpan(0, tags._count).ToArray();
        Return(tags);
        return array;
    }

    /// <summary>Empties <paramref name="tags"/> and gives it back to this thread, once the span is created.</summary>
    public static void Return(CreationTags tags)
    {
        Array.Clear(tags._tags, 0, tags._count);
        tags._count = 0;
        tags._index = -1;
        _cached = tags;
    }

    /// <summary>Adds a tag unless its value is null; past the capacity (every attribute a SQL span has) it is ignored.</summary>
    public void Add(string key, object? value)
    {
        if (value is not null && _count < Capacity)
        {
            _tags[_count++] = new KeyValuePair<string, object?>(key, value);
        }
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        // The source enumerates once per listener, then once to copy: each enumeration starts afresh.
        _index = -1;
        return this;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool MoveNext() => ++_index < _count;

    public void Reset() => _index = -1;

    public void Dispose()
    {
    }
}
