using System.Runtime.CompilerServices;
using System.Text;
using Akka.Actor;
using Akka.Streams;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Supervision;
using Mix2Api.Tests.Support;
using static Mix2Api.Tests.Support.UiStream;

namespace Mix2Api.Tests.Streams.Graph;

/// <summary>
/// A request graph that ended holds nothing: no deadline it armed keeps its stages, the turn's buffers or the
/// client's pipe reachable. Akka's wheel scheduler keeps a cancelled timer until the wheel comes round to it; the
/// test scheduler here keeps every timer until its time is advanced past it, so a stage timer that holds its
/// stage is caught every time, not only when the wheel happens to be slow.
/// </summary>
public sealed class FinishedGraphTests : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    private readonly ActorSystem _system = ActorSystem.Create("finished-graph",
        """
        akka { loglevel = WARNING, stdout-loglevel = WARNING, log-dead-letters = off }
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        """);

    [Fact]
    public async Task A_finished_graph_is_not_kept_alive_by_its_deadlines()
    {
        var hosts = new GraphHostPool(_system.Materializer(), hosts: 1);
        // Non-stream and no total deadline: first byte and idle are the graph's timers, both armed while it ran.
        var output = await RunAndForgetAsync(new GraphSettings { FirstByteTimeout = Long, IdleTimeout = Long, TotalTimeout = TimeSpan.Zero }, hosts);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(output.IsAlive, "the finished graph (its turn's output writer) is still reachable");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> RunAndForgetAsync(GraphSettings settings, GraphHostPool hosts)
    {
        var graph = new GraphRun(settings, stream: false);
        var reading = GraphRun.ReadToEndAsync(graph.Pipe.Reader);
        var run = graph.Start(new MemoryStream(Encoding.UTF8.GetBytes(SseText(Start, Hello, Finish, "[DONE]"))), hosts);
        Assert.Equal(StreamExit.Completed, (await run.EndAsync()).Exit);
        await graph.Pipe.Writer.CompleteAsync();
        await run.Upstream.DisposeAsync();
        Assert.Contains("Hello", await reading);
        return new WeakReference(graph.Output);
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
