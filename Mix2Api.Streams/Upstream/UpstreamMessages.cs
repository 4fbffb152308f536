using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Upstream;

/// <summary>Which request messages go upstream, and in what form.</summary>
public static class UpstreamMessages
{
    /// <summary>
    /// The messages the upstream does not hold yet. When the upstream session already saw the first
    /// <paramref name="seenCount"/> messages, only the ones after them are sent, plus the first system message
    /// (the instructions) and the current question (the last user message) when it lies among the seen ones, so
    /// a tool-loop turn still reads as question → calls → results.
    /// </summary>
    public static IReadOnlyList<ChatMessage> Unseen(IReadOnlyList<ChatMessage> messages, bool carryHistory, int seenCount)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (carryHistory || seenCount <= 0) return messages;
        var seen = Math.Min(seenCount, messages.Count - 1); // the last message is always new
        var system = -1;
        var question = -1;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role == ChatRole.System && system < 0) system = i;
            if (messages[i].Role == ChatRole.User) question = i;
        }
        var list = new List<ChatMessage>(messages.Count - seen + 2);
        if (system >= 0 && system < seen) list.Add(messages[system]);
        if (question >= 0 && question < seen) list.Add(messages[question]);
        for (var i = seen; i < messages.Count; i++) list.Add(messages[i]);
        return list;
    }

    /// <summary>
    /// The upstream <c>messages</c> array (digest §2.5): the first system message (with <paramref name="systemAddendum"/>,
    /// e.g. the tool instruction, appended) and the most recent <see cref="QueryLimits.MessagesMax"/> other messages,
    /// each content tail-capped at <see cref="QueryLimits.MessageMaxChars"/>. Other system messages are not sent.
    /// </summary>
    public static IReadOnlyList<ChatMessage> Select(IReadOnlyList<ChatMessage> messages, string? systemAddendum, QueryLimits limits)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(limits);
        var system = -1;
        var nonSystem = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role == ChatRole.System) system = system < 0 ? i : system;
            else nonSystem++;
        }
        var list = new List<ChatMessage>(Math.Min(nonSystem, limits.MessagesMax) + 1);
        if (system >= 0 || systemAddendum is not null)
        {
            var text = system >= 0 ? messages[system].Text : "";
            if (systemAddendum is not null) text = text.Length == 0 ? systemAddendum : text + "\n\n" + systemAddendum;
            list.Add(new ChatMessage(ChatRole.System, text, false, [], null, null));
        }
        var skip = Math.Max(0, nonSystem - limits.MessagesMax);
        foreach (var m in messages)
        {
            if (m.Role == ChatRole.System || skip-- > 0) continue;
            var text = m.ContentWasNull ? m.Text : TextClip.KeepTail(m.Text, limits.MessageMaxChars, "[消息内容已截断]");
            list.Add(ReferenceEquals(text, m.Text) ? m : m with { Text = text });
        }
        return list;
    }
}
