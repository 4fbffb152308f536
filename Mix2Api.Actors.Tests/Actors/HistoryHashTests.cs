using Mix2Api.Actors.Sessions;
using Mix2Api.Streams.Protocol;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Actors;

/// <summary>The history hash: what a turn sends its entity instead of the history must match what the entity stored.</summary>
public sealed class HistoryHashTests
{
    [Fact]
    public void Every_prefix_hash_equals_the_hash_of_that_prefix()
    {
        var messages = Chat.Conversation(4);
        messages.Add(new ChatMessage(ChatRole.Assistant, "", true, [new ChatToolCall("c1", "read_file", "{\"p\":1}")], null, null));
        messages.Add(new ChatMessage(ChatRole.Tool, "contents", false, [], "c1", null));
        var prefixes = HistoryHash.Prefixes(messages);

        for (var n = 1; n <= messages.Count; n++) Assert.Equal(HistoryHash.Of(messages, n), HistoryHash.PrefixOf(prefixes, n));
        Assert.Null(HistoryHash.PrefixOf(prefixes, 0));
        Assert.Null(HistoryHash.PrefixOf(prefixes, messages.Count + 1));
    }

    [Fact]
    public void Any_change_to_a_seen_message_changes_the_hash()
    {
        var original = Chat.Conversation(3);
        var edited = Chat.Conversation(3);
        edited[3] = Chat.User("question 2 about topic, edited");
        var moved = Chat.Conversation(3);
        moved[1] = new ChatMessage(ChatRole.Assistant, moved[1].Text, false, [], null, null);

        Assert.Equal(HistoryHash.Of(original, 3), HistoryHash.Of(edited, 3));
        Assert.NotEqual(HistoryHash.Of(original, 4), HistoryHash.Of(edited, 4));
        Assert.NotEqual(HistoryHash.Of(original, 2), HistoryHash.Of(moved, 2));
    }
}
