using System.Text;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Tests.Streams;

public class UiFrameParserTests
{
    private static UiFrame Parse(string data) => UiFrameParser.Parse(Encoding.UTF8.GetBytes(data));

    [Theory]
    [InlineData("start", UiFrameType.Start)]
    [InlineData("message-metadata", UiFrameType.MessageMetadata)]
    [InlineData("start-step", UiFrameType.Structure)]
    [InlineData("finish-step", UiFrameType.Structure)]
    [InlineData("text-start", UiFrameType.Structure)]
    [InlineData("text-end", UiFrameType.Structure)]
    [InlineData("reasoning-start", UiFrameType.Structure)]
    [InlineData("reasoning-end", UiFrameType.Structure)]
    [InlineData("text-delta", UiFrameType.TextDelta)]
    [InlineData("reasoning-delta", UiFrameType.ReasoningDelta)]
    [InlineData("tool-input-start", UiFrameType.UpstreamTool)]
    [InlineData("tool-input-delta", UiFrameType.UpstreamTool)]
    [InlineData("tool-input-available", UiFrameType.UpstreamTool)]
    [InlineData("tool-output-available", UiFrameType.UpstreamTool)]
    [InlineData("data-usage", UiFrameType.Usage)]
    [InlineData("error", UiFrameType.Error)]
    [InlineData("abort", UiFrameType.Abort)]
    [InlineData("finish", UiFrameType.Finish)]
    [InlineData("source-url", UiFrameType.Unknown)]
    [InlineData("data-something-new", UiFrameType.Unknown)]
    [InlineData("Text-Delta", UiFrameType.Unknown)]
    public void Every_spec_frame_type_maps_to_its_kind_and_unknown_types_are_unknown(string type, UiFrameType expected)
        => Assert.Equal(expected, Parse($$"""{"type":"{{type}}","id":"x"}""").Type);

    [Fact]
    public void Object_without_a_type_is_unknown_not_malformed()
        => Assert.Equal(UiFrameType.Unknown, Parse("""{"delta":"x"}""").Type);

    [Theory]
    [InlineData("[DONE]")]
    [InlineData(" [DONE] ")]
    public void Done_marker_is_the_end_of_transport(string data) => Assert.Equal(UiFrameType.Done, Parse(data).Type);

    [Fact]
    public void Text_delta_carries_its_text_whatever_the_property_order()
    {
        var a = Parse("""{"type":"text-delta","id":"t","delta":"你好 🌍"}""");
        var b = Parse("""{"delta":"你好 🌍","extra":{"nested":[1,{"type":"error"}]},"id":"t","type":"text-delta"}""");
        Assert.Equal(UiFrameType.TextDelta, a.Type);
        Assert.Equal("你好 🌍", a.Text);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Start_captures_session_exchange_and_message_ids_in_any_order()
    {
        var f = Parse("""{"messageMetadata":{"exchangeId":"e1","other":{"a":1},"sessionId":"s1"},"messageId":"m1","type":"start"}""");
        Assert.Equal(UiFrameType.Start, f.Type);
        Assert.Equal(("s1", "e1", "m1"), (f.SessionId, f.ExchangeId, f.MessageId));

        var snake = Parse("""{"type":"message-metadata","metadata":{"session_id":"s2","exchange_id":"e2"}}""");
        Assert.Equal(UiFrameType.MessageMetadata, snake.Type);
        Assert.Equal(("s2", "e2"), (snake.SessionId, snake.ExchangeId));
    }

    [Theory]
    [InlineData("""{"type":"data-usage","data":{"inputTokens":12,"outputTokens":34}}""")]
    [InlineData("""{"type":"data-usage","data":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46}}""")]
    [InlineData("""{"type":"finish","usage":{"promptTokens":12,"completionTokens":34}}""")]
    [InlineData("""{"type":"finish","messageMetadata":{"usage":{"outputTokens":34,"inputTokens":12}}}""")]
    public void Usage_is_read_under_ai_sdk_and_openai_names(string data)
        => Assert.Equal(new UsageFigures(12, 34), Parse(data).Usage);

    [Fact]
    public void Usage_ignores_negative_and_non_numeric_figures()
    {
        Assert.Equal(new UsageFigures(0, 5), Parse("""{"type":"data-usage","data":{"inputTokens":-3,"outputTokens":5}}""").Usage);
        Assert.Null(Parse("""{"type":"data-usage","data":{"inputTokens":"12"}}""").Usage);
    }

    [Fact]
    public void Finish_reason_is_read_from_the_frame_or_its_metadata()
    {
        Assert.Equal("length", Parse("""{"type":"finish","finishReason":"length"}""").FinishReason);
        Assert.Equal("length", Parse("""{"type":"finish","messageMetadata":{"finishReason":"length"}}""").FinishReason);
    }

    [Theory]
    [InlineData("""{"type":"error","errorText":"quota exhausted"}""", "quota exhausted")]
    [InlineData("""{"errorText":"quota exhausted","type":"error"}""", "quota exhausted")]
    [InlineData("""{"error":"quota exhausted"}""", "quota exhausted")]
    [InlineData("""{"error":{"code":42,"message":"quota exhausted"}}""", "quota exhausted")]
    [InlineData("""{"error":{"code":42}}""", "upstream error")]
    [InlineData("""{"error":true}""", "upstream error")]
    [InlineData("""{"type":"error"}""", null)]
    public void Error_payloads_in_every_shape_are_error_frames(string data, string? text)
    {
        var f = Parse(data);
        Assert.Equal(UiFrameType.Error, f.Type);
        Assert.Equal(text, f.Text);
    }

    [Theory]
    [InlineData("""{"error":null,"type":"text-delta","delta":"x"}""")]
    [InlineData("""{"error":false}""")]
    public void Null_or_false_error_fields_are_not_errors(string data)
        => Assert.NotEqual(UiFrameType.Error, Parse(data).Type);

    [Theory]
    [InlineData("hello")]
    [InlineData("")]
    [InlineData("{\"type\":\"text-delta\",\"delta\":\"x\"")]
    [InlineData("{\"type\":\"text-delta\",}")]
    [InlineData("[1,2]")]
    [InlineData("\"text-delta\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{\"type\":\"finish\"} trailing")]
    public void Non_json_and_non_object_payloads_are_malformed(string data)
        => Assert.Equal(UiFrameType.Malformed, Parse(data).Type);

    [Fact]
    public void Lone_surrogate_escapes_are_kept_for_the_graph_to_join()
    {
        var high = Parse("""{"type":"text-delta","delta":"a\ud83d"}""");
        var low = Parse("""{"type":"text-delta","delta":"\ude00b\n\"q\" \u4f60"}""");
        Assert.Equal(UiFrameType.TextDelta, high.Type);
        Assert.Equal("a\ud83d", high.Text);
        Assert.Equal("\ude00b\n\"q\" 你", low.Text);
        Assert.Equal("a😀b", (high.Text + low.Text)[..4]);
    }

    [Fact]
    public void Deeply_nested_payload_is_malformed_not_a_crash()
    {
        var deep = "{\"type\":\"text-delta\",\"x\":" + new string('[', 200) + new string(']', 200) + "}";
        Assert.Equal(UiFrameType.Malformed, Parse(deep).Type);
    }
}
