using System.Text;
using System.Text.Json;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Supervision;
using Mix2Api.Streams.Tools;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Streams.Graph;

/// <summary>
/// The chat turn stage (tool-protocol transform + OpenAI encoding): one element of client bytes per batch of
/// frames, tool calls streamed as they form, the finish decided once, failures typed.
/// </summary>
public class ChatTurnTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly IMaterializer _materializer;

    public ChatTurnTests() : base("akka.loglevel = WARNING") => _materializer = Sys.Materializer();

    private static UiFrame Text(string delta) => new(UiFrameType.TextDelta) { Text = delta };
    private static readonly UiFrame Finish = new(UiFrameType.Finish);
    private static UiFrameBatch Batch(params UiFrame[] frames) => new(frames);

    private (TestPublisher.Probe<UiFrameBatch> Up, TestSubscriber.Probe<PooledBytes> Down, StreamOutcome Outcome) Materialize(
        IChatOutput output, IToolTransform? transform = null, bool legacy = false)
    {
        var ((up, outcome), down) = this.SourceProbe<UiFrameBatch>()
            .ViaMaterialized(ChatTurn.Create(output, transform ?? PassThroughTransform.Instance, new ChatTurnOptions { LegacyFunctions = legacy, PromptTokenEstimate = 3 }), Keep.Both)
            .ToMaterialized(this.SinkProbe<PooledBytes>(), Keep.Both)
            .Run(_materializer);
        return (up, down, outcome);
    }

    private static ClientTranscript Parse(params PooledBytes[] elements)
    {
        var sb = new StringBuilder();
        foreach (var e in elements) sb.Append(Encoding.UTF8.GetString(e.Span));
        return ClientTranscript.Parse(sb.ToString());
    }

    [Fact]
    public void Each_batch_becomes_one_element_and_the_finish_ends_the_stage()
    {
        var (up, down, outcome) = Materialize(new OpenAiSseWriter(GraphRun.Identity, includeUsage: true, legacyFunctions: false));
        down.Request(1);
        up.SendNext(Batch(new UiFrame(UiFrameType.Start) { SessionId = "s9" }, Text("Hel"), Text("lo")));
        var first = down.ExpectNext();
        down.Request(1);
        up.SendNext(Batch(Text(" world"), Finish, Text("after the finish: never sent")));
        var last = down.ExpectNext();
        down.ExpectComplete();

        var client = Parse(first, last);
        Assert.Equal("Hello world", client.Content);
        Assert.Equal("s9", client.Chunks[0].GetProperty("session_id").GetString());
        Assert.Equal("stop", client.FinishReason);
        Assert.Equal((3, client.Usage!.Value.Completion, 3 + client.Usage!.Value.Completion), client.Usage);
        Assert.True(client.DoneLast);
        Assert.Equal("stop", outcome.FinishReason);
        Assert.Equal("s9", outcome.SessionId);
    }

    [Fact]
    public void The_first_batch_yields_an_empty_marker_when_it_produced_no_bytes_later_ones_yield_nothing()
    {
        var (up, down, _) = Materialize(new OpenAiSseWriter(GraphRun.Identity, false, false));
        down.Request(2);
        up.SendNext(Batch(new UiFrame(UiFrameType.Structure)));
        Assert.Same(PooledBytes.Empty, down.ExpectNext());
        up.SendNext(Batch(new UiFrame(UiFrameType.Structure)));
        down.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        up.SendNext(Batch(Text("x")));
        Assert.Equal("x", Parse(down.ExpectNext(), Terminal()).Content);
    }

    private static PooledBytes Terminal() => PooledBytes.Unpooled("data: [DONE]\n\n"u8.ToArray());

    [Fact]
    public void A_tool_call_streams_its_name_before_its_arguments_are_complete_and_finishes_as_tool_calls()
    {
        var transform = new ToolProtocolTransform(["get_weather"], parallelToolCalls: true);
        var (up, down, outcome) = Materialize(new OpenAiSseWriter(GraphRun.Identity, false, false), transform);
        down.Request(1);
        up.SendNext(Batch(Text("{\"tool_call\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Pa")));
        var first = down.ExpectNext();
        var firstText = Encoding.UTF8.GetString(first.Span);
        Assert.Contains("\"name\":\"get_weather\"", firstText);
        down.Request(1);
        up.SendNext(Batch(Text("ris\"}}}"), Finish));
        var rest = down.ExpectNext();
        down.ExpectComplete();

        var client = Parse(first, rest);
        Assert.Equal("tool_calls", client.FinishReason);
        var arguments = string.Concat(client.Deltas
            .Where(d => d.TryGetProperty("tool_calls", out _))
            .Select(d => d.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal("{\"city\":\"Paris\"}", arguments);
        Assert.Equal(1, outcome.ToolCalls);
        Assert.Equal("tool_calls", outcome.FinishReason);
    }

    [Fact]
    public void Legacy_function_callers_get_function_call()
    {
        var transform = new ToolProtocolTransform(["f"], parallelToolCalls: false);
        var (up, down, outcome) = Materialize(new OpenAiSseWriter(GraphRun.Identity, false, true), transform, legacy: true);
        down.Request(1);
        up.SendNext(Batch(Text("{\"tool_call\":{\"name\":\"f\",\"arguments\":{}}}"), Finish));
        Assert.Equal("function_call", Parse(down.ExpectNext()).FinishReason);
        Assert.Equal("function_call", outcome.FinishReason);
    }

    [Fact]
    public void An_error_frame_sends_what_came_before_it_then_fails_typed()
    {
        var (up, down, _) = Materialize(new OpenAiSseWriter(GraphRun.Identity, false, false));
        down.Request(1);
        up.SendNext(Batch(Text("partial"), new UiFrame(UiFrameType.Error) { Text = "boom" }));
        Assert.Contains("partial", Encoding.UTF8.GetString(down.ExpectNext().Span));
        var error = Assert.IsType<UpstreamErrorFrameException>(down.ExpectError());
        Assert.Equal("boom", error.ErrorText);
    }

    [Fact]
    public void An_upstream_that_ends_without_finish_fails_as_truncated()
    {
        var (up, down, outcome) = Materialize(new OpenAiSseWriter(GraphRun.Identity, false, false));
        down.Request(1);
        up.SendNext(Batch(Text("cut")));
        down.ExpectNext();
        up.SendComplete();
        Assert.IsType<UpstreamTruncatedException>(down.ExpectError());
        Assert.Null(outcome.FinishReason);
    }

    [Fact]
    public void Non_stream_aggregation_emits_nothing_before_the_finish_then_one_chat_completion()
    {
        var (up, down, _) = Materialize(new ChatCompletionAggregator(GraphRun.Identity, false));
        down.Request(3);
        up.SendNext(Batch(Text("你")));
        Assert.Same(PooledBytes.Empty, down.ExpectNext()); // the upstream answered; nothing to send yet
        up.SendNext(Batch(Text("好")));
        down.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        up.SendNext(Batch(Finish));
        using var doc = JsonDocument.Parse(down.ExpectNext().Span.ToArray());
        down.ExpectComplete();
        Assert.Equal("chat.completion", doc.RootElement.GetProperty("object").GetString());
        Assert.Equal("你好", doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }
}
