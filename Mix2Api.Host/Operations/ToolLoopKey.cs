using Mix2Api.Streams.Diagnostics;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Host.Operations;

/// <summary>The call ids a request's trailing tool results answer, as one fingerprint: the identity of a tool-loop step.</summary>
public static class ToolLoopKey
{
    /// <summary>Null when the request does not end with tool (or legacy function) results.</summary>
    public static string? Of(IReadOnlyList<ChatMessage> messages)
    {
        var ids = new List<string>();
        for (var i = messages.Count - 1; i >= 0 && messages[i].Role is ChatRole.Tool or ChatRole.Function; i--)
            ids.Add(messages[i].ToolCallId ?? messages[i].Name ?? "?");
        if (ids.Count == 0) return null;
        ids.Sort(StringComparer.Ordinal);
        // The assistant message the results answer pins the step when legacy results carry no ids.
        var assistant = messages.Count - ids.Count - 1;
        var anchor = assistant >= 0 ? assistant.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        return Fingerprint.Of(anchor + "|" + string.Join(',', ids));
    }
}
