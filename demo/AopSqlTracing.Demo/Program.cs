using System.Diagnostics;
using AopSqlTracing;
using AopSqlTracing.Demo;

// The application's own source, for the parent spans: one unit of work, simulated requests.
using var appSource = new ActivitySource("AopSqlTracing.Demo");

using (var spans = new SpanTree(appSource.Name, SqlTracing.ActivitySourceName))
{
    await ConnectionDemo.RunAsync(appSource);
    spans.Render("A connection marked for its transaction");
}

using (var spans = new SpanTree(appSource.Name, SqlTracing.ActivitySourceName))
{
    await UnitOfWorkDemo.RunAsync(appSource);
    spans.Render("Lifetime scopes as units of work, with a [Traced] repository");
}

return 0;
