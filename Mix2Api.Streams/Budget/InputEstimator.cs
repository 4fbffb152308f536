using Mix2Api.Streams.Output;
using Mix2Api.Streams.Upstream;

namespace Mix2Api.Streams.Budget;

/// <summary>
/// Input tokens of what really goes upstream (SPEC §8): the query plus every message of the <c>messages</c>
/// array (content, name, tool_call_id, tool calls), a small overhead per message, and text sent twice (the
/// tool instruction in mode <c>both</c>) counted once. CJK characters count about one token each, other text
/// about four characters a token (<see cref="TokenCounter"/>), not chars/4 for everything.
/// </summary>
public static class InputEstimator
{
    /// <summary>Role and separators of one chat message, as chat templates spend them.</summary>
    public const int PerMessageOverhead = 4;

    public static int Tokens(string text) => TokenCounter.Estimate(text);

    public static int Estimate(UpstreamPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var counter = new TokenCounter();
        counter.Add(prompt.Query);
        foreach (var m in prompt.Messages)
        {
            counter.Add(m.Text);
            if (m.Name is not null) counter.Add(m.Name);
            if (m.ToolCallId is not null) counter.Add(m.ToolCallId);
            foreach (var call in m.ToolCalls)
            {
                if (call.Id is not null) counter.Add(call.Id);
                counter.Add(call.Name);
                counter.Add(call.Arguments);
            }
        }
        var tokens = (long)counter.Tokens + (long)PerMessageOverhead * prompt.Messages.Count;
        if (prompt.RepeatedText is { } repeated) tokens -= TokenCounter.Estimate(repeated);
        return (int)Math.Clamp(tokens, 0, int.MaxValue);
    }
}
