using System.Text;
using Akka.Actor;
using Akka.Streams;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Supervision;
using Mix2Api.Tests.Support;
using static Mix2Api.Tests.Support.UiStream;

namespace Mix2Api.Tests.Streams.Graph;

/// <summary>
/// Request graphs share a few long-lived interpreters (<see cref="GraphHost"/>): sharing one must not couple them.
/// A graph that fails, or cannot even be materialized, ends alone; the others on the same interpreter go on; and
/// when the node's materializer is gone every graph still ends, with a decision, instead of waiting forever.
/// </summary>
public sealed class GraphHostTests : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    private readonly ActorSystem _system = ActorSystem.Create("graph-host-tests", "akka { loglevel = WARNING, stdout-loglevel = WARNING, log-dead-letters = off }");
    private ActorMaterializer _materializer = null!;

    public Task InitializeAsync()
    {
        _materializer = _system.Materializer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _system.Terminate();

    [Fact]
    public async Task A_failing_graph_and_one_that_cannot_materialize_end_alone_while_others_on_the_same_interpreter_go_on()
    {
        var hosts = new GraphHostPool(_materializer, hosts: 1);
        var longRun = new GraphRun();
        var longUpstream = new GatedStream();
        longUpstream.Push(SseText(Start, Hello));
        var longReading = GraphRun.ReadToEndAsync(longRun.Pipe.Reader);
        var running = longRun.Start(longUpstream, hosts);
        await longUpstream.Waiting.WaitAsync(Long);

        // Same interpreter: an upstream error frame fails this graph's stages...
        var failing = new GraphRun();
        _ = GraphRun.ReadToEndAsync(failing.Pipe.Reader);
        var failed = failing.Start(new MemoryStream(Encoding.UTF8.GetBytes(SseText(Start, """{"type":"error","errorText":"boom"}"""))), hosts);
        Assert.Equal(StreamExit.UpstreamErrorFrame, (await failed.EndAsync().WaitAsync(Long)).Exit);
        // ...and a graph whose materialization throws is refused with that failure, as an adapter fault.
        var broken = new BrokenGraph();
        hosts.Run(broken);
        Assert.IsType<InvalidOperationException>(await broken.Refused.Task.WaitAsync(Long));

        // The first graph never noticed: it reads on and finishes normally.
        longUpstream.Push(SseText(Finish, "[DONE]"));
        longUpstream.End();
        var decision = await running.EndAsync().WaitAsync(Long);
        await longRun.Pipe.Writer.CompleteAsync();
        Assert.Equal(StreamExit.Completed, decision.Exit);
        var client = ClientTranscript.Parse(await longReading);
        Assert.Equal("Hello", client.Content);
        Assert.True(client.DoneLast);
        await running.Upstream.DisposeAsync();
    }

    [Fact]
    public async Task When_the_materializer_shuts_down_running_graphs_end_as_shutting_down_and_new_ones_are_refused()
    {
        var hosts = new GraphHostPool(_materializer, hosts: 2);
        var run = new GraphRun();
        var upstream = new GatedStream();
        upstream.Push(SseText(Start, Hello));
        _ = GraphRun.ReadToEndAsync(run.Pipe.Reader);
        var running = run.Start(upstream, hosts);
        await upstream.Waiting.WaitAsync(Long);

        _materializer.Shutdown();

        Assert.Equal(StreamExit.ShuttingDown, (await running.EndAsync().WaitAsync(Long)).Exit);
        // Its upstream read is given up at once.
        await upstream.ReadCancelled.WaitAsync(Long);

        // Every host is gone now; a new request is refused, and its upstream call (already on its way) cancelled.
        var opened = new TaskCompletionSource<CancellationToken>();
        var late = new GraphRun().Start(token =>
        {
            opened.TrySetResult(token);
            return new TaskCompletionSource<Stream>().Task.WaitAsync(Timeout.InfiniteTimeSpan, token);
        }, hosts);
        var lateDecision = await late.EndAsync().WaitAsync(Long);
        Assert.Equal(StreamExit.ShuttingDown, lateDecision.Exit);
        Assert.IsType<NodeShuttingDownException>(late.Failure);
        Assert.True((await opened.Task.WaitAsync(Long)).IsCancellationRequested);
    }

    [Fact]
    public async Task Graphs_posted_while_the_hosts_start_run_once_they_have()
    {
        // The hosts start asynchronously: these are posted before any of them has run its first step.
        var hosts = new GraphHostPool(_materializer, hosts: 3);
        var runs = Enumerable.Range(0, 12).Select(async i =>
        {
            var run = new GraphRun();
            var reading = GraphRun.ReadToEndAsync(run.Pipe.Reader);
            var started = run.Start(new MemoryStream(Encoding.UTF8.GetBytes(SseText(Start,
                $$"""{"type":"text-delta","id":"t","delta":"n{{i}}"}""", Finish, "[DONE]"))), hosts);
            var decision = await started.EndAsync();
            await run.Pipe.Writer.CompleteAsync();
            return (i, decision.Exit, ClientTranscript.Parse(await reading).Content);
        }).ToArray();
        foreach (var (i, exit, content) in await Task.WhenAll(runs).WaitAsync(Long))
        {
            Assert.Equal(StreamExit.Completed, exit);
            Assert.Equal($"n{i}", content);
        }
    }

    private sealed class BrokenGraph : IHostedGraph
    {
        public TaskCompletionSource<Exception> Refused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Materialize(IMaterializer materializer) => throw new InvalidOperationException("a stage materialized without its part");

        public void Refuse(Exception reason) => Refused.TrySetResult(reason);
    }
}
