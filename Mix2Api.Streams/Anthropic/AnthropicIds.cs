using Mix2Api.Streams.Output;

namespace Mix2Api.Streams.Anthropic;

/// <summary>Anthropic-shaped ids: <c>msg_…</c> per response, <c>toolu_…</c> per tool call.</summary>
public static class AnthropicIds
{
    public static string MessageId() => "msg_" + ChunkIdentity.RandomId(24);

    /// <summary>
    /// The tool transform's <c>call_…</c> id as <c>toolu_…</c>. Deterministic, so nothing is remembered: the
    /// client echoes the id back in its <c>tool_result</c>, and the backfill check compares it with the
    /// <c>tool_use</c> block of the same history.
    /// </summary>
    public static string ToolUseId(string callId)
        => callId.StartsWith("call_", StringComparison.Ordinal) ? string.Concat("toolu_", callId.AsSpan(5)) : callId;
}
