using System.Text;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Upstream;

namespace Mix2Api.Streams.Budget;

/// <summary>
/// A short summary of the messages trimming dropped (digest §9.5 step 2, <c>BUDGET_HISTORY_SUMMARY_*</c>): the
/// last few as one-line <c>User:</c> / <c>Assistant:</c> / <c>Tool(name):</c> lines under a fixed header. It reaches
/// the upstream in the query's history section, so only when the history travels in the query.
/// </summary>
public static class HistorySummary
{
    public const string Header = "以下为较早对话的压缩摘要，仅用于保持上下文连续：";
    private const int LineMaxChars = 180;

    public static string? Build(IReadOnlyList<ChatMessage> dropped, BudgetOptions options)
    {
        ArgumentNullException.ThrowIfNull(dropped);
        ArgumentNullException.ThrowIfNull(options);
        var names = QueryComposer.ToolNames(dropped);
        var lines = new List<string>();
        for (var i = dropped.Count - 1; i >= 0 && lines.Count < options.SummaryMaxLines; i--)
            if (Line(dropped[i], names) is { } line) lines.Add(line);
        if (lines.Count == 0) return null;
        lines.Reverse();
        var text = Header + "\n" + string.Join('\n', lines);
        return TextClip.HeadTail(text, options.SummaryMaxChars, "[历史摘要已截断]");
    }

    private static string? Line(ChatMessage m, Dictionary<string, string> names)
    {
        var text = Collapse(m.Text);
        string? line = m.Role switch
        {
            ChatRole.User when text.Length > 0 => "User: " + text,
            ChatRole.Assistant when text.Length > 0 => "Assistant: " + text,
            ChatRole.Assistant when m.ToolCalls.Count > 0 => "Assistant: [调用工具: " + string.Join(", ", m.ToolCalls.Take(5).Select(c => c.Name)) + "]",
            ChatRole.Tool or ChatRole.Function when text.Length > 0 => $"Tool({ToolName(m, names)}): " + text,
            _ when text.Length > 0 => m.RoleName + ": " + text,
            _ => null,
        };
        return line is null ? null : TextClip.HeadTail(line, LineMaxChars, "[内容已压缩]");
    }

    private static string ToolName(ChatMessage m, Dictionary<string, string> names)
        => m.ToolCallId is not null && names.TryGetValue(m.ToolCallId, out var n) ? n : m.Name ?? "tool";

    private static string Collapse(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }
}
