using System.Text;
using System.Text.Json;
using Mix2Api.Streams.Supervision;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Streams;

/// <summary>
/// The client must see the same answer whatever newline style the upstream uses and however the
/// network cuts its bytes (inside lines, inside UTF-8 sequences, one byte at a time).
/// </summary>
public class SseDecodingTests
{
    private const string ExpectedContent = "你好，世界 🌍! 😀 doneünïcödé ✓ 多行";
    private const string ExpectedReasoning = "想一想 step 🤔";

    /// <summary>A UI message stream as events of lines; a blank line ends each event.</summary>
    private static readonly string[][] Events =
    [
        [": keep-alive"],
        ["retry: 3000"],
        ["id: 1", "event: message", """data: {"messageMetadata":{"exchangeId":"ex-7","sessionId":"sess-42"},"type":"start","messageId":"m1"}"""],
        ["event: ping"],
        ["""data: {"type":"start-step"}"""],
        ["""data: {"type":"reasoning-start","id":"r1"}"""],
        ["""data: {"type":"reasoning-delta","id":"r1","delta":"想一想 "}"""],
        ["""data: {"type":"reasoning-delta","id":"r1","delta":"step 🤔"}"""],
        ["""data: {"type":"reasoning-end","id":"r1"}"""],
        ["""data: {"type":"text-start","id":"t1"}""", ": ping inside an event"],
        ["""data: {"type":"text-delta","id":"t1","delta":"你好，"}"""],
        ["id: 2", """data: {"type":"text-delta","id":"t1","delta":"世界 🌍! "}"""],
        // An emoji split by the upstream into two lone surrogate escapes across frames.
        ["""data: {"type":"text-delta","id":"t1","delta":"\ud83d"}"""],
        ["""data: {"type":"text-delta","id":"t1","delta":"\ude00 done"}"""],
        ["""data: {"type":"text-delta","id":"t1","delta":"ünïcödé ✓"}"""],
        // One event, two data lines: SSE joins them with a newline, which JSON takes as whitespace.
        ["""data: {"type":"text-delta",""", """data: "id":"t1","delta":" 多行"}"""],
        ["""data: {"type":"text-end","id":"t1"}"""],
        ["""data: {"type":"data-usage","data":{"inputTokens":12,"outputTokens":34}}"""],
        ["""data: {"type":"finish-step"}"""],
        [": keep-alive"],
        ["""data: {"type":"finish"}"""],
        ["data: [DONE]"],
    ];

    public static TheoryData<string, string> Combinations()
    {
        var data = new TheoryData<string, string>();
        foreach (var newline in new[] { "LF", "CR", "CRLF" })
            foreach (var chunking in new[] { "whole", "trickle", "seed:1", "seed:7", "seed:42", "seed:1234", "seed:99991" })
                data.Add(newline, chunking);
        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task Client_sees_the_same_answer_for_every_newline_style_and_chunking(string newline, string chunking)
    {
        var (exit, output) = await RunAsync(Upstream(Encode(newline), chunking));
        var (_, baseline) = await RunAsync(new MemoryStream(Encode("LF")));

        Assert.Equal(StreamExit.Completed, exit);
        Assert.Equal(baseline, output);

        var t = ClientTranscript.Parse(output);
        Assert.Equal(ExpectedContent, t.Content);
        Assert.Equal(ExpectedReasoning, t.Reasoning);
        Assert.Equal("stop", t.FinishReason);
        Assert.Equal((12, 34, 46), t.Usage);
        Assert.True(t.DoneLast);
        Assert.Equal(1, t.DoneCount);
        Assert.Empty(t.Comments);

        // The session id rides on the first chunk (the first that knows it) and on no other.
        Assert.Equal("sess-42", t.Chunks[0].GetProperty("session_id").GetString());
        Assert.All(t.Chunks.Skip(1), c => Assert.False(c.TryGetProperty("session_id", out _)));

        var roles = t.Deltas.Select(d => d.TryGetProperty("role", out var r) ? r.GetString() : null).ToList();
        Assert.Equal("assistant", roles[0]);
        Assert.All(roles.Skip(1), Assert.Null);
        Assert.All(t.Chunks, c => Assert.Equal(GraphRun.Identity.Id, c.GetProperty("id").GetString()));
    }

    private static async Task<(StreamExit, string)> RunAsync(Stream upstream)
    {
        var (decision, _, output) = await new GraphRun().RunAsync(upstream);
        return (decision.Exit, output);
    }

    private static byte[] Encode(string newline)
    {
        var nl = newline switch { "LF" => "\n", "CR" => "\r", "CRLF" => "\r\n", _ => throw new ArgumentException(newline) };
        var sb = new StringBuilder();
        foreach (var e in Events)
        {
            foreach (var line in e) sb.Append(line).Append(nl);
            sb.Append(nl);
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static Stream Upstream(byte[] bytes, string chunking) => chunking switch
    {
        "whole" => new MemoryStream(bytes),
        "trickle" => new TrickleStream(bytes),
        _ => new RechunkingStream(bytes, int.Parse(chunking["seed:".Length..])),
    };

    [Fact]
    public void The_fixture_really_splits_multibyte_characters()
    {
        // Guards the theory: the UTF-8 input must contain sequences a 1-byte trickle splits.
        var bytes = Encode("LF");
        Assert.Contains(bytes, b => b >= 0xF0);
        Assert.Contains(bytes, b => b is >= 0xE0 and < 0xF0);
        Assert.True(JsonDocument.Parse("\"\\ud83d\\ude00\"").RootElement.GetString() == "😀");
    }
}
