using System.Text;

namespace Mix2Api.Host.Simulator;

// The tool-protocol answers of SPEC §3.1, streamed as many small text deltas so that the broker's
// incremental parser sees envelopes cut at every possible place.
public static partial class SimScripts
{
    public const string ProseBeforeEnvelope = "I will look that up first.\n";

    /// <summary>The text a <c>tool_call</c> answer streams (useful for asserting what the broker received).</summary>
    public static string ToolCallText(string name, string argumentsJson, ToolEnvelopeStyle style = ToolEnvelopeStyle.Plain)
    {
        var envelope = $"{{\"tool_call\":{{\"name\":{JsonString(name)},\"arguments\":{argumentsJson}}}}}";
        return Style(envelope, style);
    }

    /// <summary>The text of a <c>tool_calls</c> answer with several calls.</summary>
    public static string ToolCallsText(IReadOnlyList<(string Name, string ArgumentsJson)> calls, ToolEnvelopeStyle style = ToolEnvelopeStyle.Plain)
    {
        var text = new StringBuilder("{\"tool_calls\":[");
        for (var i = 0; i < calls.Count; i++)
        {
            if (i > 0) text.Append(',');
            text.Append("{\"name\":").Append(JsonString(calls[i].Name)).Append(",\"arguments\":").Append(calls[i].ArgumentsJson).Append('}');
        }
        return Style(text.Append("]}").ToString(), style);
    }

    public static string FinalText(string answer) => $"{{\"final\":{JsonString(answer)}}}";

    public static SimScript ToolCall(string name, string argumentsJson, ToolEnvelopeStyle style = ToolEnvelopeStyle.Plain,
        int chunkChars = 4, TimeSpan interval = default, SimEnvelope? envelope = null) =>
        Streamed("tool", ToolCallText(name, argumentsJson, style), chunkChars, interval, envelope);

    public static SimScript ToolCalls(IReadOnlyList<(string Name, string ArgumentsJson)> calls, ToolEnvelopeStyle style = ToolEnvelopeStyle.Plain,
        int chunkChars = 4, TimeSpan interval = default, SimEnvelope? envelope = null) =>
        Streamed("tools", ToolCallsText(calls, style), chunkChars, interval, envelope);

    public static SimScript FinalEnvelope(string answer = "All done.", int chunkChars = 4, TimeSpan interval = default, SimEnvelope? envelope = null) =>
        Streamed("final", FinalText(answer), chunkChars, interval, envelope);

    /// <summary>Any text as small deltas of <paramref name="chunkChars"/> characters.</summary>
    public static SimScript Streamed(string name, string text, int chunkChars = 4, TimeSpan interval = default, SimEnvelope? envelope = null) =>
        new(name, Answer(envelope, new SimStep.TextDeltas(text, TextSplitter.ChunkCountFor(text, chunkChars), interval)));

    private static string Style(string envelope, ToolEnvelopeStyle style) => style switch
    {
        ToolEnvelopeStyle.Fenced => "```json\n" + envelope + "\n```",
        ToolEnvelopeStyle.Prose => ProseBeforeEnvelope + envelope,
        _ => envelope,
    };

    private static string JsonString(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
