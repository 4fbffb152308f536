using System.Text;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Tests.Streams;

/// <summary>
/// text-delta frames take a positional fast path when they are exactly the upstream's shape; every
/// frame must still decode as the JSON says, whichever path reads it.
/// </summary>
public class UiFrameTextDeltaTests
{
    private static UiFrame Parse(string data) => UiFrameParser.Parse(Encoding.UTF8.GetBytes(data));

    [Theory]
    [InlineData("""{"type":"text-delta","id":"t0","delta":"Hello "}""", "Hello ")]
    [InlineData("""{"type":"text-delta","id":"t0","delta":""}""", "")]
    [InlineData("""{"type":"text-delta","id":"t0","delta":"你好，世界 — grüß 😀"}""", "你好，世界 — grüß 😀")]
    [InlineData("""{"type":"text-delta","id":"t0","delta":"line\nbreak \"quoted\" \\ \u4f60"}""", "line\nbreak \"quoted\" \\ 你")]
    [InlineData("""{"type":"text-delta","id":"t0","delta":"a\"}"}""", "a\"}")]
    [InlineData("""{"type":"text-delta","id":"t\"0","delta":"x"}""", "x")]
    [InlineData("""{"type":"text-delta","id":"t0","delta":"a","extra":{"delta":"b"}}""", "a")]
    [InlineData("""{"type":"text-delta","delta":"no id","id":"t0"}""", "no id")]
    [InlineData("""  {"type":"text-delta","id":"t0","delta":"padded"}  """, "padded")]
    public void Text_deltas_decode_to_the_text_the_json_holds(string frame, string text)
    {
        var parsed = Parse(frame);

        Assert.Equal(UiFrameType.TextDelta, parsed.Type);
        Assert.Equal(text, parsed.Text);
    }

    [Theory]
    [InlineData("""{"type":"text-delta","id":"t0","delta":"a"} trailing""")]
    [InlineData("""{"type":"text-delta","id":"t0","delta":"a"}}""")]
    [InlineData("""{"type":"text-delta","id":"t0","delta":"unterminated}""")]
    [InlineData("{\"type\":\"text-delta\",\"id\":\"t0\",\"delta\":\"raw\ttab\"}")]
    public void A_text_delta_that_is_not_valid_json_is_malformed(string frame)
        => Assert.Equal(UiFrameType.Malformed, Parse(frame).Type);

    [Fact]
    public void Invalid_utf8_in_a_delta_is_left_to_the_full_parser_and_still_yields_a_delta()
    {
        var frame = Encoding.UTF8.GetBytes("""{"type":"text-delta","id":"t0","delta":"ab"}""");
        var broken = new byte[frame.Length + 1];
        var at = Array.IndexOf(frame, (byte)'b');
        frame.AsSpan(0, at).CopyTo(broken);
        broken[at] = 0xE4; // the first byte of a three-byte character, alone
        frame.AsSpan(at).CopyTo(broken.AsSpan(at + 1));

        var parsed = UiFrameParser.Parse(broken);

        Assert.Equal(UiFrameType.TextDelta, parsed.Type);
        Assert.StartsWith("a", parsed.Text);
        Assert.EndsWith("b", parsed.Text);
    }
}
