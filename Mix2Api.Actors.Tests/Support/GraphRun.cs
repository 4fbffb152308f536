using System.IO.Pipelines;
using System.Text;
using Akka.Streams;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Supervision;
using Mix2Api.Streams.Tools;

namespace Mix2Api.Tests.Support;

/// <summary>
/// One request graph, materialized on a real ActorSystem, over an in-memory upstream and writing into a
/// real Pipe whose reader side the test owns: the same blueprint the endpoint uses.
/// </summary>
public sealed class GraphRun
{
    public static readonly ChunkIdentity Identity = new("chatcmpl-test0001", 1_700_000_000, "mix/qwen-3-235b-instruct");

    private readonly GraphSettings _settings;
    private readonly bool _stream;
    private readonly IToolTransform _transform;
    private readonly int _promptEstimate;

    public GraphRun(GraphSettings? settings = null, bool includeUsage = true, int promptEstimate = 7, bool stream = true,
        IToolTransform? transform = null, PipeOptions? pipe = null)
    {
        _settings = settings ?? new GraphSettings();
        _stream = stream;
        _transform = transform ?? PassThroughTransform.Instance;
        _promptEstimate = promptEstimate;
        Pipe = new Pipe(pipe ?? PipeOptions.Default);
        Output = stream ? new OpenAiSseWriter(Identity, includeUsage, legacyFunctions: false) : new ChatCompletionAggregator(Identity, false);
    }

    public Pipe Pipe { get; }
    public IChatOutput Output { get; }
    /// <summary>Materializes the graph over <paramref name="upstream"/>; the caller drives the pipe's reader.</summary>
    public ChatStreamRun Start(Stream upstream, GraphHostPool? hosts = null) => Start(_ => Task.FromResult(upstream), hosts);

    /// <summary>Materializes the graph on <paramref name="hosts"/> (the test system's by default).</summary>
    public ChatStreamRun Start(Func<CancellationToken, Task<Stream>> open, GraphHostPool? hosts = null) => new ChatStreamGraph(_settings, heartbeats: _stream).Run(
        open,
        new ChatTurn.Parts(Output, _transform, new ChatTurnOptions { PromptTokenEstimate = _promptEstimate, MaxBadFrames = _settings.MaxBadFrames }),
        Pipe.Writer, hosts ?? StreamsTestSystem.Hosts);

    /// <summary>Runs the graph to its end while draining the pipe; returns the decision, what the turn saw, and all the client got.</summary>
    public async Task<(ExitDecision Decision, StreamOutcome Outcome, string Output)> RunAsync(Stream upstream)
    {
        var reading = ReadToEndAsync(Pipe.Reader);
        var run = Start(upstream);
        var decision = await run.EndAsync();
        await Pipe.Writer.CompleteAsync();
        await run.Upstream.DisposeAsync();
        return (decision, run.Outcome, await reading);
    }

    public static async Task<string> ReadToEndAsync(PipeReader reader)
    {
        var bytes = new MemoryStream();
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer) bytes.Write(segment.Span);
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) break;
        }
        await reader.CompleteAsync();
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
