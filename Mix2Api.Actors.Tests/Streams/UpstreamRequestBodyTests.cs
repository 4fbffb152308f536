using System.Buffers;
using System.Text.Json;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Upstream;

namespace Mix2Api.Tests.Streams;

public class UpstreamRequestBodyTests
{
    private static ChatRequest Request(string model = "mix/qwen-3-235b-instruct", bool? stream = false, double? temperature = null,
        int? maxTokens = null, params ChatMessage[] messages) => new()
    {
        Model = model,
        Stream = stream,
        Temperature = temperature,
        MaxTokens = maxTokens,
        Messages = messages.Length > 0 ? messages : [new ChatMessage(ChatRole.User, "你好", false, [], null, null)],
    };

    private static JsonDocument Write(UpstreamTurn turn, UpstreamBodyOptions? options = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        UpstreamRequestBody.Write(buffer, turn, options ?? new UpstreamBodyOptions());
        return JsonDocument.Parse(buffer.WrittenMemory);
    }

    private static UpstreamTurn Turn(ChatRequest? request = null, string? session = null, string? exchange = null, string? persona = null,
        int maxTokens = 8192)
    {
        request ??= Request();
        var prompt = new UpstreamPrompt("[当前问题]\n你好", UpstreamMessages.Select(request.Messages, null, new QueryLimits()));
        return new(request, prompt, maxTokens, session, exchange, persona);
    }

    private static IEnumerable<string> Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name);

    [Fact]
    public void Keys_come_in_the_node_order_and_stream_is_always_true()
    {
        using var doc = Write(Turn(Request(stream: false, temperature: 0.5), session: "s1", exchange: "e1", persona: "p1", maxTokens: 300));
        var root = doc.RootElement;

        Assert.Equal(["request", "is_personalized", "stream", "messages", "temperature", "max_tokens", "session_id", "exchange_id"], Keys(root));
        Assert.Equal(["agent_slug", "model_slug", "locale", "persona_id", "modes", "query"], Keys(root.GetProperty("request")));
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.True(root.GetProperty("is_personalized").GetBoolean());
        Assert.Equal("web-general", root.GetProperty("request").GetProperty("agent_slug").GetString());
        Assert.Equal("[当前问题]\n你好", root.GetProperty("request").GetProperty("query").GetString());
        Assert.Equal(300, root.GetProperty("max_tokens").GetInt32());
        Assert.Equal(("s1", "e1"), (root.GetProperty("session_id").GetString(), root.GetProperty("exchange_id").GetString()));
    }

    [Fact]
    public void Optional_fields_are_omitted_and_max_tokens_is_the_output_budget()
    {
        using var doc = Write(Turn(Request(stream: null, maxTokens: 5)));
        var root = doc.RootElement;
        Assert.Equal(["request", "is_personalized", "stream", "messages", "max_tokens"], Keys(root));
        Assert.Equal(["agent_slug", "model_slug", "locale", "modes", "query"], Keys(root.GetProperty("request")));
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.Equal(8192, root.GetProperty("max_tokens").GetInt32());
    }

    [Theory]
    [InlineData("new")]
    [InlineData("NEW")]
    [InlineData(null)]
    public void Session_and_exchange_ids_are_omitted_when_null_or_new(string? id)
    {
        using var doc = Write(Turn(session: id, exchange: id));
        Assert.False(doc.RootElement.TryGetProperty("session_id", out _));
        Assert.False(doc.RootElement.TryGetProperty("exchange_id", out _));
    }

    [Theory]
    [InlineData("mix/qwen-3-235b-instruct", "qwen-3-235b-instruct")]
    [InlineData("a/b/claude-sonnet-4-5", "claude-sonnet-4-5")]
    [InlineData("grok-4-1-fast", "grok-4-1-fast")]
    [InlineData("mix/", "qwen-3-235b")]
    [InlineData("", "qwen-3-235b-instruct")]
    [InlineData("  ", "qwen-3-235b-instruct")]
    public void Model_slug_is_the_text_after_the_last_slash(string model, string slug)
        => Assert.Equal(slug, UpstreamRequestBody.ModelSlug(model));

    [Fact]
    public void Messages_keep_the_first_system_message_and_the_most_recent_others_each_capped()
    {
        var messages = new List<ChatMessage> { new(ChatRole.System, "sys one", false, [], null, null), new(ChatRole.System, "sys two", false, [], null, null) };
        for (var i = 0; i < 5; i++) messages.Add(new ChatMessage(ChatRole.User, $"m{i}" + new string('x', 50), false, [], null, null));
        messages.Add(new ChatMessage(ChatRole.Assistant, "", true, [new ChatToolCall("call_1", "read", "{}")], null, null));
        messages.Add(new ChatMessage(ChatRole.Tool, "out", false, [], "call_1", null));
        var selected = UpstreamMessages.Select(messages, "TOOL INSTRUCTION", new QueryLimits { MessagesMax = 3, MessageMaxChars = 20 });
        using var doc = Write(new UpstreamTurn(Request(messages: [.. messages]), new UpstreamPrompt("q", selected), 100, null, null, null));
        var sent = doc.RootElement.GetProperty("messages").EnumerateArray().ToList();

        Assert.Equal(4, sent.Count);
        Assert.Equal("sys one\n\nTOOL INSTRUCTION", sent[0].GetProperty("content").GetString());
        Assert.EndsWith(new string('x', 3), sent[1].GetProperty("content").GetString());
        Assert.True(sent[1].GetProperty("content").GetString()!.Length <= 20);
        Assert.Equal(JsonValueKind.Null, sent[2].GetProperty("content").ValueKind);
        Assert.Equal("read", sent[2].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("call_1", sent[3].GetProperty("tool_call_id").GetString());
    }
}
