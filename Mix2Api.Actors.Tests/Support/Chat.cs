using Mix2Api.Actors.Sessions;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Tests.Support;

/// <summary>Small builders for conversations and session contexts.</summary>
public static class Chat
{
    public static ChatMessage System(string text) => new(ChatRole.System, text, false, [], null, null);
    public static ChatMessage User(string text) => new(ChatRole.User, text, false, [], null, null);
    public static ChatMessage Assistant(string text) => new(ChatRole.Assistant, text, false, [], null, null);

    public static SessionContext Context(IReadOnlyList<ChatMessage> messages, string auth = "authfp000001", string model = "mix/qwen-3",
        string client = "opencode", string? affinity = null, string? explicitKey = null, string? sessionId = null, string? exchangeId = null)
        => new(auth, model, client, affinity, explicitKey, sessionId, exchangeId, messages);

    /// <summary>A conversation of <paramref name="turns"/> user turns with replies in between, ending on a user message.</summary>
    public static List<ChatMessage> Conversation(int turns, string topic = "topic")
    {
        var list = new List<ChatMessage> { System("You are helpful.") };
        for (var i = 1; i <= turns; i++)
        {
            if (i > 1) list.Add(Assistant($"answer {i - 1} about {topic}"));
            list.Add(User($"question {i} about {topic}"));
        }
        return list;
    }
}
