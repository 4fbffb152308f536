using System.Text;
using System.Text.Json.Nodes;
using Mix2Api.Host.Simulator;

namespace Mix2Api.Tests.Host.Simulator;

public class SimulatorWireFormatTests
{
    private static readonly string[] AnswerShape = ["start", "start-step", "text-start", "text-delta", "text-delta", "text-end", "finish-step", "finish"];

    private static async Task<SseCapture> AskAsync(string question, string? sessionId = null)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);
        return await SimHttp.SendAndReadAsync(client, SimHttp.Chat(question, sessionId));
    }

    [Fact]
    public async Task Short_answer_has_the_upstream_headers_frames_in_order_and_DONE_last()
    {
        var sse = await AskAsync("hi [[sim:short text=\"Hello there\" chunks=2]]");

        Assert.Equal(200, sse.Status);
        Assert.Equal("text/event-stream", sse.Response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-cache", sse.Response.Headers.CacheControl!.ToString());
        Assert.Equal("v1", sse.Response.Headers.GetValues("x-vercel-ai-ui-message-stream").Single());
        Assert.Equal("no", sse.Response.Headers.GetValues("x-accel-buffering").Single());
        Assert.Equal(AnswerShape, sse.Types);
        Assert.Equal("Hello there", sse.Deltas());
        Assert.Equal("[DONE]", sse.Data[^1]);
        Assert.EndsWith("data: [DONE]\n\n", sse.Text);
        Assert.All(sse.Data.SkipLast(1), d => Assert.StartsWith("{", d));
    }

    [Fact]
    public async Task Start_frame_carries_fresh_message_session_and_exchange_ids()
    {
        var sse = await AskAsync("hi");

        var start = sse.Frame("start");
        Assert.StartsWith("msg-", start.GetProperty("messageId").GetString());
        Assert.StartsWith("sess-", start.GetProperty("messageMetadata").GetProperty("sessionId").GetString());
        Assert.StartsWith("ex-", start.GetProperty("messageMetadata").GetProperty("exchangeId").GetString());
    }

    [Fact]
    public async Task A_session_id_in_the_request_is_reused_and_echoed()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);

        var sse = await SimHttp.SendAndReadAsync(client, SimHttp.Chat("again", sessionId: "sess-from-client"));
        var exchange = await server.Simulator.NextExchangeAsync(SimHttp.Patience);

        Assert.Equal("sess-from-client", sse.Frame("start").GetProperty("messageMetadata").GetProperty("sessionId").GetString());
        Assert.Equal("sess-from-client", exchange.SessionId);
    }

    [Fact]
    public async Task Default_script_echoes_a_little_of_the_question()
    {
        var sse = await AskAsync("What is the capital of France?");

        Assert.Equal("Simulated answer to: What is the capital of France?", sse.Deltas());
        Assert.Equal("finish", sse.Types[^1]);
    }

    [Fact]
    public async Task Long_answer_streams_the_requested_number_of_chunks()
    {
        var sse = await AskAsync("[[sim:long chunks=50 delay_ms=1]]");

        Assert.Equal(50, sse.Types.Count(t => t == "text-delta"));
        Assert.Equal(SimScripts.LongText(50), sse.Deltas());
        Assert.Equal("w00 w01 ", SimScripts.LongText(50)[..8]);
    }

    [Fact]
    public async Task Reasoning_frames_come_before_the_answer()
    {
        var sse = await AskAsync("[[sim:reasoning reasoning=\"think think\" text=\"answer\" chunks=2]]");

        Assert.Equal(["start", "start-step", "reasoning-start", "reasoning-delta", "reasoning-delta", "reasoning-end",
            "text-start", "text-delta", "text-delta", "text-end", "finish-step", "finish"], sse.Types);
        Assert.Equal("think think", sse.Deltas("reasoning-delta"));
        Assert.Equal("answer", sse.Deltas());
    }

    [Fact]
    public async Task Text_split_inside_multibyte_characters_reassembles_to_the_original()
    {
        var sse = await AskAsync("[[sim:utf8]]");

        Assert.Equal(SimScripts.Utf8Text, sse.Deltas());
        // Raw UTF-8 on the wire, not \u escapes: that is what makes the split meaningful.
        Assert.True(Contains(sse.Bytes, Encoding.UTF8.GetBytes("你好")));
        Assert.True(Contains(sse.Bytes, Encoding.UTF8.GetBytes("😀")));
        Assert.DoesNotContain("\\u", sse.Text);
    }

    [Fact]
    public void Split_utf8_script_cuts_every_delta_frame_inside_a_character()
    {
        var writes = SimScripts.SplitUtf8().Steps.OfType<SimStep.RawBytes>().ToList();

        Assert.NotEmpty(writes);
        foreach (var pair in writes.Chunk(2))
        {
            var head = pair[0].Bytes;
            Assert.True(head[^1] >= 0xC0, "each frame's first write must end on a UTF-8 lead byte");
            Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(head));
        }
    }

    [Fact]
    public async Task Usage_and_finish_reason_parameters_add_data_usage_and_finish_metadata()
    {
        var sse = await AskAsync("[[sim:short input_tokens=12 output_tokens=5 finish_reason=length]]");

        Assert.Equal(["finish-step", "data-usage", "finish"], sse.Types.TakeLast(3));
        var usage = sse.Frame("data-usage").GetProperty("data");
        Assert.Equal(12, usage.GetProperty("inputTokens").GetInt32());
        Assert.Equal(5, usage.GetProperty("outputTokens").GetInt32());
        var finish = sse.Frame("finish");
        Assert.Equal("length", finish.GetProperty("finishReason").GetString());
        Assert.Equal(17, finish.GetProperty("messageMetadata").GetProperty("usage").GetProperty("totalTokens").GetInt32());
    }

    [Fact]
    public async Task Late_session_ids_arrive_in_a_message_metadata_frame_after_the_first_delta()
    {
        var sse = await AskAsync("[[sim:short session=late]]");

        Assert.False(sse.Frame("start").TryGetProperty("messageMetadata", out _));
        var types = sse.Types.ToList();
        Assert.InRange(types.IndexOf("message-metadata"), types.IndexOf("text-delta") + 1, types.IndexOf("text-end") - 1);
        Assert.Single(types, t => t == "message-metadata");
        Assert.StartsWith("sess-", sse.Frame("message-metadata").GetProperty("messageMetadata").GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task Server_side_tool_frames_precede_the_answer()
    {
        var sse = await AskAsync("[[sim:servertool]]");

        Assert.Equal(["tool-input-start", "tool-input-delta", "tool-input-delta", "tool-input-available", "tool-output-available", "text-start"],
            sse.Types.Skip(2).Take(6));
        Assert.Equal("web_search", sse.Frame("tool-input-available").GetProperty("toolName").GetString());
        Assert.Equal("According to the search, it is sunny.", sse.Deltas());
    }

    [Fact]
    public async Task Sse_field_lines_and_multiline_data_are_valid_sse_for_a_conforming_parser()
    {
        var sse = await AskAsync("[[sim:sselines]]");

        Assert.Contains(sse.Events, e => e.OtherFields.Contains("id: 1") && e.OtherFields.Contains("event: message"));
        Assert.Contains(sse.Events, e => e.OtherFields.Contains("retry: 3000") && e.Data is null);
        Assert.Contains("a comment between events", sse.Comments);
        Assert.Equal("Hello, world!", sse.Deltas());
        Assert.Equal("[DONE]", sse.Data[^1]);
    }

    [Fact]
    public async Task Keep_alive_comments_are_written_while_the_stream_waits()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { KeepAliveInterval = TimeSpan.FromMilliseconds(50) });
        var gate = new SimGate();
        server.Simulator.Enqueue(SimScripts.Gated(gate));
        using var client = SimHttp.Client(server);
        using var response = await client.SendAsync(SimHttp.Chat("hi"), HttpCompletionOption.ResponseHeadersRead);
        var reader = new SseStreamReader(await response.Content.ReadAsStreamAsync());

        SseEvent? e;
        while ((e = await reader.NextAsync()) is not null && !e.Comments.Contains("keep-alive")) { }
        Assert.NotNull(e);
        Assert.False(gate.IsOpen);
        gate.Open();
        var rest = new List<SseEvent>();
        while ((e = await reader.NextAsync()) is not null) rest.Add(e);
        Assert.Equal("[DONE]", rest[^1].Data);
    }

    [Fact]
    public async Task Json_reply_mode_answers_content_with_the_exchange_session_ids()
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);

        using var response = await client.SendAsync(SimHttp.Chat("[[sim:json text=\"json answer\"]]"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var exchange = await server.Simulator.NextExchangeAsync(SimHttp.Patience);

        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("json answer", (string?)body["content"]);
        Assert.Equal(exchange.SessionId, (string?)body["messageMetadata"]!["sessionId"]);
        Assert.Equal(exchange.ExchangeId, (string?)body["messageMetadata"]!["exchangeId"]);
    }

    [Theory]
    [InlineData("text", """{"error":"boom"}""")]
    [InlineData("object", """{"error":{"message":"boom"}}""")]
    [InlineData("parts", """{"parts":[{"type":"error","error_text":"boom"}]}""")]
    [InlineData("errortext", """{"errorText":"boom"}""")]
    public async Task Json_error_shapes_come_back_with_status_200(string shape, string expected)
    {
        await using var server = await SimulatorServer.StartAsync();
        using var client = SimHttp.Client(server);

        using var response = await client.SendAsync(SimHttp.Chat($"[[sim:json error={shape} text=boom]]"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
