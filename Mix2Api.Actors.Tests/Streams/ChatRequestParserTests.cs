using System.Text;
using Mix2Api.Streams.Protocol;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Streams;

public class ChatRequestParserTests
{
    private static (ChatRequest? Request, RequestError? Error) Parse(string json)
    {
        ChatRequestParser.TryParse(Encoding.UTF8.GetBytes(json), out var r, out var e);
        return (r, e);
    }

    [Theory]
    [InlineData("{", "invalid_json", null, "Invalid JSON body")]
    [InlineData("[]", "invalid_request", null, "Invalid request body")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "invalid_request", "model", "Invalid request: model must be a non-empty string")]
    [InlineData("{\"model\":\"  \",\"messages\":[]}", "invalid_request", "model", "Invalid request: model must be a non-empty string")]
    [InlineData("{\"model\":\"m\",\"messages\":[]}", "invalid_request", "messages", "Invalid request: messages must be a non-empty array")]
    [InlineData("{\"model\":\"m\",\"messages\":{}}", "invalid_request", "messages", "Invalid request: messages must be a non-empty array")]
    public void Invalid_bodies_get_the_node_adapter_code_param_and_message(string json, string code, string? param, string message)
    {
        var (_, error) = Parse(json);
        Assert.NotNull(error);
        Assert.Equal(code, error!.Code);
        Assert.Equal(param, error.Param);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Image_parts_are_rejected_not_dropped()
    {
        var (_, error) = Parse("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"see"},{"type":"image_url","image_url":{"url":"x"}}]}]}""");
        Assert.Equal("messages", error!.Param);
        Assert.Contains("image_url", error.Message);
    }

    [Fact]
    public void Stream_absent_is_null_and_developer_is_system()
    {
        var (r, _) = Parse("""{"model":"m","messages":[{"role":"developer","content":"be brief"},{"role":"user","content":[{"type":"text","text":"a"},"b"]}],"stream_options":{"include_usage":true},"unknown_field":1}""");
        Assert.Null(r!.Stream);
        Assert.True(r.IncludeUsage);
        Assert.Equal(ChatRole.System, r.Messages[0].Role);
        Assert.Equal("developer", r.Messages[0].RoleName);
        Assert.Equal("ab", r.Messages[1].Text);
    }

    [Fact]
    public void Stream_must_be_a_boolean()
    {
        var (_, error) = Parse("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":"false"}""");
        Assert.Equal("stream", error!.Param);
    }

    [Fact]
    public void Extensions_and_history_tool_calls_are_read()
    {
        var (r, _) = Parse("""
        {"model":"m","max_tokens":"300","metadata":{"session_id":"s1"},"exchangeId":"e1","request":{"personaId":"p"},
         "messages":[{"role":"user","content":"q"},
                     {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"read","arguments":"{\"p\":1}"}}]},
                     {"role":"tool","tool_call_id":"call_1","content":"ok"}]}
        """);
        Assert.Equal(300, r!.MaxTokens);
        Assert.Equal("s1", r.SessionId);
        Assert.Equal("e1", r.ExchangeId);
        Assert.Equal("p", r.PersonaId);
        Assert.True(r.Messages[1].ContentWasNull);
        Assert.Equal(new ChatToolCall("call_1", "read", "{\"p\":1}"), r.Messages[1].ToolCalls[0]);
        Assert.Equal("call_1", r.Messages[2].ToolCallId);
    }

    // Found by RequestFuzzTests: 1e400 threw inside the parser (a 500 adapter_error) instead of being ignored like a wrong type.
    [Theory]
    [InlineData("temperature")]
    [InlineData("top_p")]
    [InlineData("max_tokens")]
    [InlineData("max_completion_tokens")]
    public void Numbers_beyond_double_range_are_ignored_not_a_crash(string field)
    {
        var (request, error) = Parse($"{{\"model\":\"m\",\"{field}\":1e400,\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]}}");
        Assert.Null(error);
        Assert.Null(request!.Temperature);
        Assert.Null(request.TopP);
        Assert.Null(request.MaxTokens);
        Assert.Null(request.MaxCompletionTokens);
    }

    // Found by RequestFuzzTests: invalid UTF-8 inside a string, or a lone surrogate escape, threw when the string was read (a 500).
    [Theory]
    [MemberData(nameof(InvalidUtf8.Insides), MemberType = typeof(InvalidUtf8))]
    public void Text_that_is_not_utf8_is_invalid_json_not_a_crash(byte[] inside)
    {
        foreach (var template in new[] { "{\"model\":\"m#\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                     "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"h#i\"}]}" })
        {
            Assert.False(ChatRequestParser.TryParse(InvalidUtf8.Splice(template, inside), out _, out var error));
            Assert.Equal("invalid_json", error!.Code);
        }
    }
}
