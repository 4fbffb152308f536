using System.Text;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Tools;

/// <summary>
/// Formats the trailing tool/function results for the upstream query section <c>[工具执行结果]</c>
/// (digest §2.4). Unlike the Node adapter, each result is labelled with the function name looked
/// up through its <c>tool_call_id</c> in the assistant's tool_calls, not the constant <c>tool</c>.
/// </summary>
public static class ToolResultsFormatter
{
    public const string TruncationMarker = "[工具输出已截断]";
    private const double HeadRatio = 0.6;

    /// <summary>
    /// One entry per trailing result: <c>- 工具 &lt;name&gt;（tool_call_id=&lt;id&gt;）输出：\n&lt;content&gt;</c>,
    /// entries separated by a blank line; null when the messages do not end with results.
    /// </summary>
    public static string? Format(IReadOnlyList<ChatMessage> messages, int maxCharsPerResult)
    {
        var start = ToolBackfillValidator.TrailingResultsStart(messages);
        if (start == messages.Count) return null;
        var assistant = start > 0 && messages[start - 1].Role == ChatRole.Assistant ? messages[start - 1] : null;

        var sb = new StringBuilder();
        for (var i = start; i < messages.Count; i++)
        {
            var m = messages[i];
            if (sb.Length > 0) sb.Append("\n\n");
            sb.Append("- 工具 ").Append(NameOf(m, assistant));
            if (!string.IsNullOrEmpty(m.ToolCallId)) sb.Append("（tool_call_id=").Append(m.ToolCallId).Append('）');
            sb.Append("输出：\n").Append(HeadTail(m.Text, maxCharsPerResult, TruncationMarker));
        }
        return sb.ToString();
    }

    private static string NameOf(ChatMessage result, ChatMessage? assistant)
    {
        if (assistant is not null)
        {
            if (!string.IsNullOrEmpty(result.ToolCallId))
                foreach (var call in assistant.ToolCalls)
                    if (call.Id == result.ToolCallId) return call.Name;
            if (result.Name is null && assistant.ToolCalls.Count == 1) return assistant.ToolCalls[0].Name;
        }
        return result.Name ?? "tool";
    }

    /// <summary>
    /// Head+tail cut with the Node adapter's arithmetic: budget = max − marker − 2, head =
    /// floor(budget × 0.6), the rest from the tail.
    /// </summary>
    internal static string HeadTail(string text, int max, string marker)
    {
        if (max <= 0 || text.Length <= max) return text;
        var budget = max - marker.Length - 2;
        if (budget <= 0) return marker.Length <= max ? marker : marker[..max];
        var head = (int)Math.Floor(budget * HeadRatio);
        var tail = budget - head;
        if (tail <= 0)
        {
            var keep = max - marker.Length - 1;
            return keep <= 0 ? marker : marker + "\n" + text[^keep..];
        }
        return text[..head].TrimEnd() + "\n" + marker + "\n" + text[^tail..].TrimStart();
    }
}
