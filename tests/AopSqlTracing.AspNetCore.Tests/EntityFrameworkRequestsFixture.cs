using System.Collections.Concurrent;
using System.Diagnostics;
using AopSqlTracing.AspNetCore.Tests.Support;
using Autofac;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AopSqlTracing.AspNetCore.Tests;

/// <summary>
/// EF Core in a web app on Autofac, as the README registers it (<c>AddDbContext((services, o) =&gt; … .UseSqlTracing(services))</c>
/// and <c>app.UseSqlTracing()</c>): the context's services are the request's lifetime scope, so with
/// <c>TraceAllCommands = false</c> each request's SQL is traced under that request, and never under another's.
/// </summary>
// The keeper connection is disposed by IAsyncLifetime.DisposeAsync, which xunit calls.
#pragma warning disable CA1001
public sealed class EntityFrameworkRequestsFixture : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly string _database = $"Data Source=file:efweb{Guid.NewGuid():N}?mode=memory&cache=shared";
    private SqliteConnection _keeper = null!;

    public async Task InitializeAsync()
    {
        _keeper = new SqliteConnection(_database);
        await _keeper.OpenAsync();
        using var create = _keeper.CreateCommand();
        create.CommandText = "CREATE TABLE notes (Id INTEGER PRIMARY KEY, Text TEXT NOT NULL); INSERT INTO notes (Text) VALUES ('a'), ('b')";
        await create.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync() => await _keeper.DisposeAsync();

    [Fact]
    public async Task Requests_FiftyConcurrent_EachRequestsEfSqlUnderItsOwnRequestOnly()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or SqlTracing.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = await MiniApp.StartAsync(
            pipeline =>
            {
                pipeline.UseSqlTracing();
                pipeline.MapGet("/notes/{n:int}", async (NotesContext notes, int n) => await notes.Notes.CountAsync(note => note.Id <= n));
            },
            services: services => services.AddDbContext<NotesContext>(
                (provider, options) => options.UseSqlite(_database).UseSqlTracing(provider, o => o.TraceAllCommands = false)));

        var traces = Enumerable.Range(0, 50).Select(_ => ActivityTraceId.CreateRandom()).ToList();
        var responses = await Task.WhenAll(traces.Select(async (trace, i) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/notes/{i % 3}");
            request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
            using var response = await app.Client.SendAsync(request);
            return (response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }));

        Assert.All(responses, response => Assert.True(response.IsSuccessStatusCode, response.Item2));
        foreach (var trace in traces)
        {
            var spans = await CompleteAsync(stopped, trace);
            var server = Assert.Single(spans, span => span.Kind == ActivityKind.Server);
            var sql = Assert.Single(spans, span => span.Source.Name == SqlTracing.ActivitySourceName);
            Assert.Equal(server.SpanId, sql.ParentSpanId);
            Assert.Equal("SELECT notes", sql.DisplayName);
        }
    }

    // The server span stops after the response is sent: wait for it, briefly.
    private static async Task<List<Activity>> CompleteAsync(ConcurrentQueue<Activity> stopped, ActivityTraceId trace)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var spans = stopped.Where(span => span.TraceId == trace).ToList();
            if (spans.Any(span => span.Kind == ActivityKind.Server))
            {
                return spans;
            }

            await Task.Delay(20);
        }

        return [.. stopped.Where(span => span.TraceId == trace)];
    }

    public sealed class NotesContext(DbContextOptions<NotesContext> options) : DbContext(options)
    {
        public DbSet<Note> Notes => Set<Note>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Note>().ToTable("notes");
    }

    public sealed class Note
    {
        public int Id { get; set; }

        public required string Text { get; set; }
    }
}
