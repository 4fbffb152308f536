using System.Text;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Upstream;

/// <summary>
/// Builds the upstream <c>request.query</c> (SPEC §2.2, digest §2.4): <c>[对话历史]</c> with the messages
/// the upstream has not seen (all of them for a new session), <c>[工具执行结果]</c>, <c>[当前问题]</c> (never
/// duplicated), then the tool instruction; cut to size in the Node adapter's order. A budget summary of dropped
/// messages (<c>[历史摘要记忆]</c>) opens the history section.
/// </summary>
public static class QueryComposer
{
    public const string HistoryHeader = "[对话历史]";
    public const string ToolResultsHeader = "[工具执行结果]";
    public const string QuestionHeader = "[当前问题]";
    public const string ToolResultsFollowUp = "请基于以上工具执行结果继续：若信息已足够，请给出最终回答。";
    public const string SummaryHeader = "[历史摘要记忆]";
    private const string HistoryCutMarker = "[对话历史已截断，仅保留最近关键上下文]";

    /// <summary>
    /// Where the history section starts (SPEC §4 "Bounded"): 0 when the upstream session is new; else after the
    /// <paramref name="seenMessageCount"/> messages the upstream has seen and its own reply to them. Normally
    /// nothing is left before the current question; when turns went elsewhere (the session was unreachable,
    /// so they ran without it), the part this upstream session never saw is carried.
    /// </summary>
    public static int HistoryFrom(IReadOnlyList<ChatMessage> messages, bool carryHistory, int seenMessageCount)
    {
        if (carryHistory) return 0;
        if (seenMessageCount < messages.Count && messages[seenMessageCount].Role == ChatRole.Assistant) return seenMessageCount + 1;
        return Math.Min(seenMessageCount, messages.Count);
    }

    /// <summary>
    /// True when the query must carry a history section: a new upstream session, or turns this upstream session
    /// never saw before the current question (<see cref="HistoryFrom"/> stops short of it).
    /// </summary>
    public static bool CarriesHistory(IReadOnlyList<ChatMessage> messages, bool carryHistory, int seenMessageCount)
    {
        if (carryHistory) return true;
        var questionIndex = LastIndexOf(messages, ChatRole.User);
        return questionIndex > 0 && HistoryFrom(messages, false, seenMessageCount) < questionIndex;
    }

    /// <param name="historyFrom">First message of the history section (<see cref="HistoryFrom"/>); messages.Count for none.</param>
    public static string Compose(IReadOnlyList<ChatMessage> messages, int historyFrom, string? toolResults,
        string? instruction, QueryLimits limits, string? historySummary = null)
    {
        var questionIndex = LastIndexOf(messages, ChatRole.User);
        if (questionIndex < 0) questionIndex = messages.Count - 1;
        var question = messages[questionIndex].Text;
        var history = historyFrom < questionIndex ? History(messages, historyFrom, questionIndex, limits.ContextMaxChars) : null;
        if (history is not null && !string.IsNullOrEmpty(historySummary))
            history = SummaryHeader + "\n" + historySummary + (string.IsNullOrEmpty(history) ? "" : "\n\n" + history);

        var query = Join(history, toolResults, question, instruction);
        if (query.Length <= limits.QueryMaxChars) return query;

        // Over the cap: drop history first, then shrink tool results, then the question, then keep the tail.
        query = Join(null, toolResults, question, instruction);
        if (query.Length <= limits.QueryMaxChars) return query;
        if (toolResults is not null)
        {
            var room = limits.QueryMaxChars - Join(null, "", question, instruction).Length;
            toolResults = room > 64 ? TextClip.HeadTail(toolResults, room, "[工具执行结果已截断]") : null;
            query = Join(null, toolResults, question, instruction);
            if (query.Length <= limits.QueryMaxChars) return query;
        }
        var questionRoom = limits.QueryMaxChars - Join(null, toolResults, "", instruction).Length;
        if (questionRoom > 64)
        {
            query = Join(null, toolResults, TextClip.HeadTail(question, questionRoom, "[当前问题已截断]", 0.75), instruction);
            if (query.Length <= limits.QueryMaxChars) return query;
        }
        return TextClip.KeepTail(query, limits.QueryMaxChars, "[query已截断]");
    }

    private static string Join(string? history, string? toolResults, string question, string? instruction)
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(history)) sb.Append(HistoryHeader).Append('\n').Append(history).Append("\n\n");
        if (toolResults is not null) sb.Append(ToolResultsHeader).Append('\n').Append(toolResults).Append("\n\n");
        sb.Append(QuestionHeader).Append('\n').Append(question);
        if (toolResults is not null) sb.Append("\n\n").Append(ToolResultsFollowUp);
        if (!string.IsNullOrEmpty(instruction)) sb.Append("\n\n").Append(instruction);
        return sb.ToString();
    }

    /// <summary>The conversation from <paramref name="from"/> to the current question, most recent lines kept within the cap.</summary>
    private static string? History(IReadOnlyList<ChatMessage> messages, int from, int questionIndex, int maxChars)
    {
        var lines = new List<string>();
        var names = ToolNames(messages);
        for (var i = from; i < questionIndex; i++)
        {
            var m = messages[i];
            var line = m.Role switch
            {
                ChatRole.User when m.Text.Length > 0 => "User: " + TextClip.Head(m.Text, 5000, "..."),
                ChatRole.Assistant when m.Text.Length > 0 => "Assistant: " + TextClip.Head(m.Text, 3000, "..."),
                ChatRole.Assistant when m.ToolCalls.Count > 0
                    => "Assistant: [调用工具: " + string.Join(", ", m.ToolCalls.Take(5).Select(c => c.Name)) + "]",
                ChatRole.Tool or ChatRole.Function when m.Text.Length > 0
                    => $"Tool({ToolName(m, names)}): " + TextClip.HeadTail(m.Text, 20000, "[工具输出已截断]"),
                _ => null,
            };
            if (line is not null) lines.Add(line);
        }
        if (lines.Count == 0) return null;
        var total = lines.Sum(l => l.Length + 1);
        if (total <= maxChars) return string.Join('\n', lines);

        var kept = new List<string>();
        var used = HistoryCutMarker.Length + 1;
        for (var i = lines.Count - 1; i >= 0 && used + lines[i].Length + 1 <= maxChars; i--)
        {
            kept.Insert(0, lines[i]);
            used += lines[i].Length + 1;
        }
        if (kept.Count == 0) return TextClip.KeepTail(string.Join('\n', lines), maxChars, "[对话历史已截断]");
        return HistoryCutMarker + "\n" + string.Join('\n', kept);
    }

    /// <summary>tool_call_id → function name, from the assistant messages' tool calls.</summary>
    public static Dictionary<string, string> ToolNames(IReadOnlyList<ChatMessage> messages)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in messages)
            foreach (var call in m.ToolCalls)
                if (call.Id is not null) names.TryAdd(call.Id, call.Name);
        return names;
    }

    private static string ToolName(ChatMessage m, Dictionary<string, string> names)
        => m.ToolCallId is not null && names.TryGetValue(m.ToolCallId, out var n) ? n : m.Name ?? "tool";

    private static int LastIndexOf(IReadOnlyList<ChatMessage> messages, ChatRole role)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
            if (messages[i].Role == role) return i;
        return -1;
    }
}
