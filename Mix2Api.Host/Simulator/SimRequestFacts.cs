using System.Text;
using System.Text.Json;

namespace Mix2Api.Host.Simulator;

/// <summary>What the simulator reads from an upstream chat body (digest §2.2): ids, the question, tool results, a directive.</summary>
/// <param name="LastToolResult">The text of the last trailing tool result, for <c>final</c> answers that quote it (<c>{result}</c>).</param>
internal sealed record SimRequestFacts(string? SessionId, string Question, int ToolResults, SimDirective? Directive, string? LastToolResult = null)
{
    private const string QuestionMarker = "[当前问题]";
    private const string ToolResultsMarker = "[工具执行结果]";

    public static readonly SimRequestFacts Empty = new(null, "", 0, null);

    /// <summary>Throws <see cref="SimDirectiveException"/> when a directive is present but malformed.</summary>
    public static SimRequestFacts From(JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } root) return Empty;
        var sessionId = root.TryGetProperty("session_id", out var s) && s.ValueKind == JsonValueKind.String
            && s.GetString() is { Length: > 0 } id && id != "new" ? id : null;
        var query = root.TryGetProperty("request", out var r) && r.ValueKind == JsonValueKind.Object
            && r.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString() : null;
        var currentQuestion = CurrentQuestion(query);
        string? lastUser = null;
        var toolResults = 0;
        string? lastToolResult = null;
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            var trailing = true;
            for (var i = messages.GetArrayLength() - 1; i >= 0; i--)
            {
                var message = messages[i];
                var role = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var ro) && ro.ValueKind == JsonValueKind.String ? ro.GetString() : null;
                if (trailing && role is "tool" or "function")
                {
                    toolResults++;
                    lastToolResult ??= Text(message);
                }
                else trailing = false;
                if (role == "user" && lastUser is null) lastUser = Text(message);
                if (!trailing && lastUser is not null) break;
            }
        }
        if (toolResults == 0 && query?.Contains(ToolResultsMarker, StringComparison.Ordinal) == true) toolResults = 1;
        var directive = SimDirective.Find(lastUser) ?? SimDirective.Find(currentQuestion);
        var question = SimDirective.Strip(lastUser ?? currentQuestion ?? "");
        return new SimRequestFacts(sessionId, question, toolResults, directive, lastToolResult);
    }

    // The query's current-question section; the history section before it may hold older directives.
    private static string? CurrentQuestion(string? query)
    {
        if (query is null) return null;
        var at = query.LastIndexOf(QuestionMarker, StringComparison.Ordinal);
        if (at < 0) return query;
        var section = query[(at + QuestionMarker.Length)..].TrimStart('\n');
        var next = section.IndexOf("\n\n", StringComparison.Ordinal);
        return next < 0 ? section : section[..next];
    }

    private static string? Text(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content)) return null;
        if (content.ValueKind == JsonValueKind.String) return content.GetString();
        if (content.ValueKind != JsonValueKind.Array) return null;
        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                text.Append(t.GetString());
        }
        return text.ToString();
    }
}
