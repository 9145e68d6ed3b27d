using System.Diagnostics;
using Spectre.Console;

namespace AopSqlTracing.Demo;

/// <summary>Collects finished spans and renders them as a tree, children under their parents.</summary>
internal sealed class SpanTree : IDisposable
{
    private static readonly string[] ShownTags = ["db.system.name", "db.operation.name", "db.query.text", "db.response.returned_rows", "error.type"];

    private readonly ActivityListener _listener;
    private readonly List<Activity> _spans = [];

    public SpanTree(params string[] sources)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Render(string title)
    {
        Activity[] spans;
        lock (_spans)
        {
            spans = [.. _spans.OrderBy(span => span.StartTimeUtc)];
        }

        var ids = spans.Select(span => span.SpanId).ToHashSet();
        var tree = new Tree($"[bold]{Markup.Escape(title)}[/]");
        foreach (var root in spans.Where(span => !ids.Contains(span.ParentSpanId)))
        {
            AddNode(tree.AddNode(Label(root)), root, spans);
        }

        AnsiConsole.Write(tree);
    }

    public void Dispose() => _listener.Dispose();

    private static void AddNode(TreeNode node, Activity parent, Activity[] spans)
    {
        foreach (var child in spans.Where(span => span.ParentSpanId == parent.SpanId))
        {
            AddNode(node.AddNode(Label(child)), child, spans);
        }
    }

    private static string Label(Activity span)
    {
        var name = span.Status == ActivityStatusCode.Error
            ? $"[red]{Markup.Escape(span.DisplayName)} (error: {Markup.Escape(span.StatusDescription ?? string.Empty)})[/]"
            : $"[green]{Markup.Escape(span.DisplayName)}[/]";
        var tags = string.Join("  ", ShownTags
            .Select(key => (key, value: span.GetTagItem(key)))
            .Where(tag => tag.value is not null)
            .Select(tag => $"[grey]{tag.key}[/]={Markup.Escape(tag.value!.ToString()!)}"));
        return $"{name} [blue]{span.Duration.TotalMilliseconds:0.000} ms[/]  {tags}";
    }

    private void Add(Activity span)
    {
        lock (_spans)
        {
            _spans.Add(span);
        }
    }
}
