using System.IO.Pipelines;
using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Supervision;
using Mix2Api.Streams.Tools;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Streams.Graph;

/// <summary>
/// One fused <see cref="ChatStreamGraph"/> serves every request of its shape: each materialization must get only its
/// own upstream, encoder and client pipe, however many run at once, and a stage that is materialized without its
/// per-request parts must fail with a message naming what is missing, not with a null reference deep in a stage.
/// </summary>
public sealed class ChatStreamBlueprintTests
{
    private static MemoryStream Upstream(string text) => new(Encoding.UTF8.GetBytes(
        "data: {\"type\":\"start\",\"messageMetadata\":{\"sessionId\":\"s-" + text + "\"}}\n\n" +
        "data: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"" + text + "\"}\n\n" +
        "data: {\"type\":\"finish\"}\n\ndata: [DONE]\n\n"));

    [Fact]
    public async Task One_blueprint_runs_many_requests_at_once_each_with_its_own_upstream_encoder_and_client()
    {
        var graph = new ChatStreamGraph(new GraphSettings(), heartbeats: true);
        var runs = Enumerable.Range(0, 40).Select(async i =>
        {
            var pipe = new Pipe();
            var output = new OpenAiSseWriter(GraphRun.Identity, includeUsage: false, legacyFunctions: false);
            var reading = GraphRun.ReadToEndAsync(pipe.Reader);
            var run = graph.Run(_ => Task.FromResult<Stream>(Upstream($"answer{i}")),
                new ChatTurn.Parts(output, PassThroughTransform.Instance, new ChatTurnOptions()), pipe.Writer, StreamsTestSystem.Hosts);
            var decision = await run.EndAsync();
            await pipe.Writer.CompleteAsync();
            await run.Upstream.DisposeAsync();
            return (i, decision, run.Outcome, Client: ClientTranscript.Parse(await reading));
        }).ToArray();

        foreach (var (i, decision, outcome, client) in await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(30)))
        {
            Assert.Equal(StreamExit.Completed, decision.Exit);
            Assert.Equal($"answer{i}", client.Content);
            Assert.Equal($"s-answer{i}", outcome.SessionId);
            Assert.True(client.DoneLast);
        }
    }

    [Fact]
    public async Task A_stage_materialized_without_its_parts_fails_naming_the_missing_attribute()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var (_, progress) = Source.Single(Mix2Api.Streams.Buffers.PooledBytes.Empty)
                .ToMaterialized(ResponseSink.Create(heartbeat: null), Keep.Both)
                .Run(StreamsTestSystem.Materializer);
            await progress.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        });
        Assert.Contains("ResponseSink.Target", Flatten(failure));
    }

    private static string Flatten(Exception ex)
    {
        var text = new StringBuilder();
        for (Exception? e = ex; e is not null; e = e.InnerException) text.Append(e.Message).Append(" | ");
        return text.ToString();
    }
}
