using System.Text.Json;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Anthropic;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>
/// Stop sequences through the broker on both routes (docs/STOP-SEQUENCES.md): the upstream streams the answer in
/// two-character deltas, so a sequence always spans deltas; the client gets the text before it and a normal end that
/// says why (<c>finish_reason:"stop"</c>; <c>stop_reason:"stop_sequence"</c> and <c>stop_sequence</c>), stream or not,
/// while tool-call JSON that contains a sequence goes out whole.
/// </summary>
public sealed class StopSequenceTests
{
    /// <summary>One request on its own broker, whose upstream answers with <paramref name="script"/> (by default <see cref="Answer"/>).</summary>
    private static async Task<(string Body, string EndReason)> PostAsync(string path, string json, SimScript? script = null)
    {
        await using var broker = await BrokerHost.StartAsync();
        broker.Upstream.Enqueue(script ?? SimScripts.Streamed("stop", Answer, chunkChars: 2));
        using var request = ChatRequests.Post(ChatRequests.Json(json), path);
        request.Headers.Add("x-api-key", BrokerHost.InboundToken);
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await broker.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return (body, (await broker.CompletedAsync(ChatRequests.RequestId(response))).EndReason);
    }

    // What the upstream answers, and what the client must get of it with the sequence "END".
    private const string Answer = "Hello there. END of the story, and END again.";
    private const string Cut = "Hello there. ";

    [Theory]
    [InlineData("\"END\"")]
    [InlineData("[\"nowhere\",\"END\"]")]
    public async Task A_chat_completions_stream_ends_before_the_stop_sequence_with_finish_reason_stop(string stop)
    {
        var (body, endReason) = await PostAsync("v1/chat/completions",
            $$"""{"model":"mix/qwen-3-235b-instruct","stream":true,"stop":{{stop}},"messages":[{"role":"user","content":"tell"}]}""");

        var (data, _) = ChatRequests.ParseSse(body);
        Assert.Equal("[DONE]", data[^1]);
        var chunks = data.SkipLast(1).Select(d => JsonDocument.Parse(d).RootElement.GetProperty("choices")[0]).ToList();
        Assert.Equal(Cut, string.Concat(chunks.Select(c => c.GetProperty("delta").TryGetProperty("content", out var text) ? text.GetString() : null)));
        Assert.Equal("stop", chunks[^1].GetProperty("finish_reason").GetString());
        Assert.Equal("stop", endReason);
    }

    [Fact]
    public async Task A_chat_completion_ends_before_the_stop_sequence()
    {
        var (body, _) = await PostAsync("v1/chat/completions",
            """{"model":"mix/qwen-3-235b-instruct","stop":["END"],"messages":[{"role":"user","content":"tell"}]}""");

        var choice = JsonDocument.Parse(body).RootElement.GetProperty("choices")[0];
        Assert.Equal(Cut, choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("[\"nowhere\",\"END\"]", Cut, "stop_sequence", "END")]
    [InlineData("[\"END!\"]", Answer, "end_turn", null)]
    public async Task An_anthropic_stream_ends_with_stop_reason_stop_sequence_naming_it_or_whole_without_a_match(
        string stopSequences, string text, string stopReason, string? stopSequence)
    {
        var (body, endReason) = await PostAsync("v1/messages",
            $$"""{"model":"m","max_tokens":100,"stream":true,"stop_sequences":{{stopSequences}},"messages":[{"role":"user","content":"tell"}]}""");

        var t = AnthropicTranscript.Parse(body);
        Assert.Equal(text, t.Text);
        Assert.Equal(stopReason, t.StopReason);
        Assert.Equal(stopSequence, t.Events.Single(e => e.Name == "message_delta").Data.GetProperty("delta").GetProperty("stop_sequence").GetString());
        Assert.Equal("stop", endReason);
    }

    [Fact]
    public async Task An_anthropic_message_ends_with_stop_reason_stop_sequence_naming_it()
    {
        var (body, _) = await PostAsync("v1/messages",
            """{"model":"m","max_tokens":100,"stop_sequences":["END"],"messages":[{"role":"user","content":"tell"}]}""");

        var message = JsonDocument.Parse(body).RootElement;
        Assert.Equal(Cut, message.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("stop_sequence", message.GetProperty("stop_reason").GetString());
        Assert.Equal("END", message.GetProperty("stop_sequence").GetString());
    }

    [Fact]
    public async Task With_tools_declared_the_final_answer_text_is_cut_too()
    {
        var (body, endReason) = await PostAsync("v1/messages",
            """{"model":"m","max_tokens":100,"stop_sequences":["END"],"messages":[{"role":"user","content":"tell"}],"tools":[{"name":"read_file","input_schema":{"type":"object"}}]}""",
            SimScripts.FinalEnvelope(Answer, chunkChars: 2));

        var message = JsonDocument.Parse(body).RootElement;
        Assert.Equal(Cut, message.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("stop_sequence", message.GetProperty("stop_reason").GetString());
        Assert.Equal("stop", endReason);
    }

    [Fact]
    public async Task A_stop_sequence_inside_tool_call_arguments_does_not_cut_the_call()
    {
        const string args = """{"path":"END.txt"}""";
        var (body, endReason) = await PostAsync("v1/messages",
            """{"model":"m","max_tokens":100,"stream":true,"stop_sequences":["END","\""],"messages":[{"role":"user","content":"read"}],"tools":[{"name":"read_file","input_schema":{"type":"object"}}]}""",
            SimScripts.ToolCall("read_file", args, chunkChars: 2));

        var t = AnthropicTranscript.Parse(body);
        Assert.Equal(args, Assert.Single(t.ToolUses).Text.ToString());
        Assert.Equal("tool_use", t.StopReason);
        Assert.Equal("tool_calls", endReason);
    }
}
