using System.Data.Common;
using System.Diagnostics;
using AopSqlTracing.Execution;

namespace AopSqlTracing;

/// <summary>
/// Settings of one traced database: which commands become spans and what the spans carry.
/// Passed to <see cref="SqlTracingRegistrationExtensions.RegisterTracedDatabase"/> and
/// <see cref="SqlTracingRegistrationExtensions.TraceAllDatabases"/>.
/// </summary>
public sealed class SqlTracingOptions
{
    private int _maxQueryTextLength = 4096;
    private int _maxParameterValueLength = 256;
    private SqlSpanNaming _spanNaming = SqlSpanNaming.QuerySummary;
    private QueryTextMode _queryText = QueryTextMode.Sanitized;
    private int _repeatedStatementThreshold = 10;

    /// <summary>
    /// Gets or sets whether every command is traced, marked or not.
    /// When <see langword="false"/>, only commands marked through <see cref="SqlTracing"/>, directly or by their
    /// connection or scope, or run inside a <see cref="TracedAttribute"/> repository call, become spans.
    /// Defaults to <see langword="true"/>.
    /// </summary>
    public bool TraceAllCommands { get; set; } = true;

    /// <summary>
    /// Gets or sets how SQL spans are named; defaults to <see cref="SqlSpanNaming.QuerySummary"/> (<c>SELECT users</c>),
    /// the OpenTelemetry conventions' name. <see cref="SqlSpanNaming.StatementKind"/> gives the names of the Python
    /// package this library renders (<c>select</c>). Repository spans are named by their method either way.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="SqlSpanNaming"/>.</exception>
    public SqlSpanNaming SpanNaming
    {
        get => _spanNaming;
        set => _spanNaming = Defined(value, nameof(SpanNaming));
    }

    /// <summary>Gets or sets what <c>db.query.text</c> records; defaults to <see cref="QueryTextMode.Sanitized"/> so literals never leak.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="QueryTextMode"/>.</exception>
    public QueryTextMode QueryText
    {
        get => _queryText;
        set => _queryText = Defined(value, nameof(QueryText));
    }

    /// <summary>
    /// Gets or sets the longest <c>db.query.text</c> recorded, in characters (default 4096); a longer text is cut
    /// and ends with <c>…</c> to show it was cut, the <c>…</c> counted in the length, so no text recorded is longer
    /// than this. Parameter values are cut the same way (<see cref="MaxParameterValueLength"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public int MaxQueryTextLength
    {
        get => _maxQueryTextLength;
        set => _maxQueryTextLength = Positive(value, nameof(MaxQueryTextLength));
    }

    /// <summary>
    /// Gets or sets whether parameter values are recorded, as <c>db.query.parameter.&lt;name&gt;</c>. Off by default:
    /// parameters carry user data. Byte arrays are recorded as their length only.
    /// </summary>
    public bool RecordParameters { get; set; }

    /// <summary>
    /// Gets or sets the longest parameter value recorded, in characters (default 256); a longer value is cut and ends
    /// with <c>…</c>, the <c>…</c> counted in the length, as <see cref="MaxQueryTextLength"/> cuts the query text.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public int MaxParameterValueLength
    {
        get => _maxParameterValueLength;
        set => _maxParameterValueLength = Positive(value, nameof(MaxParameterValueLength));
    }

    /// <summary>
    /// Gets or sets whether a failed command's span gets an <c>exception</c> event (type, message, stack trace) and
    /// the message as its status description. On by default; exception messages can carry data
    /// (a constraint violation quotes the duplicate value), so turn it off where that matters.
    /// </summary>
    public bool RecordException { get; set; } = true;

    /// <summary>
    /// Gets or sets a filter called with the provider's command before anything else: <see langword="false"/> means no
    /// span is started at all. A filter that throws counts as <see langword="false"/>. Not called for batches.
    /// </summary>
    public Func<DbCommand, bool>? Filter { get; set; }

    /// <summary>Gets or sets a hook called with each started command span and the provider's command, to add tags.</summary>
    public Action<Activity, DbCommand>? Enrich { get; set; }

    /// <summary>Gets or sets a hook called with a failed span and the exception, before the span ends.</summary>
    public Action<Activity, Exception>? EnrichWithException { get; set; }

    /// <summary>
    /// Gets or sets whether the span's W3C context is appended to each traced command's text as a sqlcommenter
    /// comment (<c>/*traceparent='00-…-…-01'*/</c>), so server-side logs and <c>pg_stat_activity</c> join the trace.
    /// Off by default: it makes each execution's text unique, which defeats server-side statement caches keyed on text.
    /// </summary>
    public bool PropagateContext { get; set; }

    /// <summary>
    /// Gets or sets whether this database's commands and batches are measured (<c>db.client.operation.duration</c>,
    /// <c>db.client.response.returned_rows</c> on the <see cref="SqlTracing.MeterName"/> meter) whenever a meter
    /// listener listens, traced or not: marks and <see cref="TraceAllCommands"/> decide spans, not measurements.
    /// Defaults to <see langword="true"/>.
    /// </summary>
    public bool RecordMetrics { get; set; } = true;

    /// <summary>
    /// Gets or sets whether beginning a transaction, committing it, rolling it back and its savepoints (create, roll
    /// back to, release) are spans, named as statements are (<c>COMMIT</c>; <c>commit</c> under
    /// <see cref="SqlSpanNaming.StatementKind"/>), under the parent the transaction's statements get, and are measured
    /// as operations. Off by default: a span per transaction step is more to export.
    /// </summary>
    public bool TraceTransactions { get; set; }

    /// <summary>
    /// Gets or sets whether opening a connection (<c>Open</c>, <c>OpenAsync</c>, a data source's <c>OpenConnection</c>
    /// and <c>OpenConnectionAsync</c>) is a span named <c>open</c>, lasting as long as the open took (a pool's wait
    /// included), under the parent its statements would get. Off by default.
    /// </summary>
    public bool TraceConnectionOpen { get; set; }

    /// <summary>
    /// Gets or sets how many times one statement shape (its <c>db.query.summary</c> and sanitised text: never values)
    /// must run within one unit of work (a marked lifetime scope, connection or <c>DbContext</c>, a <c>[Traced]</c>
    /// repository call, a request under <c>UseSqlTracing()</c>) for the unit of work's span to say so when it ends: a
    /// <c>db.repeated_statement</c> event and the <c>aopsqltracing.repeated_statements</c> counter. Default 10; 0 turns
    /// it off. SQL whose parent is only <see cref="Activity.Current"/> or a new root has no unit of work and is not counted.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int RepeatedStatementThreshold
    {
        get => _repeatedStatementThreshold;
        set => _repeatedStatementThreshold = value >= 0 ? value : throw new ArgumentOutOfRangeException(
            nameof(RepeatedStatementThreshold), value, $"{nameof(RepeatedStatementThreshold)} must be 0 (off) or a positive number of executions.");
    }

    /// <summary>Reports each hook's first failure once, not on every command.</summary>
    internal HookFailures HookFailures { get; } = new();

    // The option's name is the parameter name: it is what the user wrote and what the message must point to.
    private static int Positive(int value, string option)
        => value > 0 ? value : throw new ArgumentOutOfRangeException(option, value, $"{option} must be a positive number of characters (1 or more).");

    private static T Defined<T>(T value, string option)
        where T : struct, Enum
        => Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(
            option, value, $"{option} must be one of {string.Join(", ", Enum.GetNames<T>())}.");
}
