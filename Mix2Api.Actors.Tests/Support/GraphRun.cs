using System.IO.Pipelines;
using System.Text;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Sse;
using Mix2Api.Streams.Tools;

namespace Mix2Api.Tests.Support;

/// <summary>
/// One ChatStreamGraph over an in-memory upstream, writing OpenAI SSE into a real Pipe whose reader
/// side the test owns. All time comes from a <see cref="TestTimeProvider"/>.
/// </summary>
public sealed class GraphRun : IDisposable
{
    public static readonly ChunkIdentity Identity = new("chatcmpl-test0001", 1_700_000_000, "mix/qwen-3-235b-instruct");

    public GraphRun(GraphSettings? settings = null, bool includeUsage = true, TimeSpan? idle = null, int promptEstimate = 7)
    {
        Deadlines = new RequestDeadlines(Time, CancellationToken.None, CancellationToken.None,
            idle ?? TimeSpan.FromMinutes(3), idle ?? TimeSpan.FromMinutes(3), TimeSpan.Zero);
        Writer = new OpenAiSseWriter(Pipe.Writer, Identity, includeUsage, legacyFunctions: false);
        Graph = new ChatStreamGraph(Writer, PassThroughTransform.Instance, (settings ?? new GraphSettings()) with { Time = Time },
            Deadlines, observer: null, legacyFunctions: false, promptEstimate);
    }

    public TestTimeProvider Time { get; } = new();
    public Pipe Pipe { get; } = new();
    public RequestDeadlines Deadlines { get; }
    public OpenAiSseWriter Writer { get; }
    public ChatStreamGraph Graph { get; }

    /// <summary>Runs the graph to its end while draining the pipe; returns the outcome and everything the client got.</summary>
    public async Task<(StreamOutcome Outcome, string Output)> RunAsync(Stream upstream)
    {
        var reading = ReadToEndAsync(Pipe.Reader);
        var outcome = await Graph.RunAsync(upstream);
        await Pipe.Writer.CompleteAsync();
        await Graph.DisposeAsync();
        return (outcome, await reading);
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

    public void Dispose() => Deadlines.Dispose();
}
