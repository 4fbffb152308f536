using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Upstream;

namespace Mix2Api.Tests.Streams;

public class QueryComposerTests
{
    private static readonly QueryLimits Limits = new();

    private static ChatMessage User(string text) => new(ChatRole.User, text, false, [], null, null);
    private static ChatMessage Assistant(string text) => new(ChatRole.Assistant, text, false, [], null, null);
    private static ChatMessage System(string text) => new(ChatRole.System, text, false, [], null, null);
    private static ChatMessage Calls(params ChatToolCall[] calls) => new(ChatRole.Assistant, "", true, calls, null, null);
    private static ChatMessage Tool(string? callId, string text, string? name = null) => new(ChatRole.Tool, text, false, [], callId, name);

    [Fact]
    public void First_turn_has_only_the_question_never_duplicated_as_history()
    {
        var query = QueryComposer.Compose([System("be brief"), User("hi")], historyFrom: 0, null, null, Limits);
        Assert.Equal("[当前问题]\nhi", query);
    }

    [Fact]
    public void History_is_carried_only_when_asked_and_excludes_the_current_question()
    {
        ChatMessage[] messages = [User("what is 2+2?"), Assistant("4"), User("and 3+3?")];

        var carried = QueryComposer.Compose(messages, historyFrom: 0, null, null, Limits);
        Assert.Equal("[对话历史]\nUser: what is 2+2?\nAssistant: 4\n\n[当前问题]\nand 3+3?", carried);

        Assert.Equal("[当前问题]\nand 3+3?", QueryComposer.Compose(messages, historyFrom: messages.Length, null, null, Limits));
    }

    [Fact]
    public void A_continued_session_carries_nothing_when_the_upstream_saw_everything_but_its_own_reply()
    {
        // The upstream saw [q1] and answered a1 itself: only the new question goes.
        ChatMessage[] messages = [User("q1"), Assistant("a1"), User("q2")];
        var from = QueryComposer.HistoryFrom(messages, carryHistory: false, seenMessageCount: 1);
        Assert.Equal("[当前问题]\nq2", QueryComposer.Compose(messages, from, null, null, Limits));
    }

    [Fact]
    public void A_continued_session_carries_the_turns_it_missed_while_it_was_unreachable()
    {
        // The upstream session saw [q1] and answered a1; q2/a2 ran without it (entity unreachable): they are carried.
        ChatMessage[] messages = [User("q1"), Assistant("a1"), User("q2"), Assistant("a2"), User("q3")];
        var from = QueryComposer.HistoryFrom(messages, carryHistory: false, seenMessageCount: 1);
        Assert.Equal("[对话历史]\nUser: q2\nAssistant: a2\n\n[当前问题]\nq3", QueryComposer.Compose(messages, from, null, null, Limits));
        Assert.Equal(0, QueryComposer.HistoryFrom(messages, carryHistory: true, seenMessageCount: 3));
    }

    [Fact]
    public void Tool_outputs_in_history_are_labelled_with_the_function_name_found_by_tool_call_id()
    {
        ChatMessage[] messages =
        [
            User("read it"),
            Calls(new ChatToolCall("call_1", "read_file", "{\"p\":\"a\"}"), new ChatToolCall("call_2", "list_dir", "{}")),
            Tool("call_2", "a.txt"),
            Tool("call_1", "contents"),
            Tool(null, "orphan", name: "legacy_fn"),
            User("thanks, now summarise"),
        ];
        var query = QueryComposer.Compose(messages, historyFrom: 0, null, null, Limits);

        Assert.Contains("Assistant: [调用工具: read_file, list_dir]", query);
        Assert.Contains("Tool(list_dir): a.txt", query);
        Assert.Contains("Tool(read_file): contents", query);
        Assert.Contains("Tool(legacy_fn): orphan", query);
        Assert.EndsWith("[当前问题]\nthanks, now summarise", query);
    }

    [Fact]
    public void Tool_results_section_and_follow_up_come_when_results_are_passed()
    {
        var query = QueryComposer.Compose([User("weather?")], 1, "- 工具 get_weather（tool_call_id=call_1）输出：\nsunny", "INSTR", Limits);
        Assert.Equal(
            "[工具执行结果]\n- 工具 get_weather（tool_call_id=call_1）输出：\nsunny\n\n[当前问题]\nweather?\n\n"
            + QueryComposer.ToolResultsFollowUp + "\n\nINSTR", query);
    }

    [Fact]
    public void Over_the_cap_history_is_dropped_before_the_question_is_cut()
    {
        var question = "Q:" + new string('q', 500);
        ChatMessage[] messages = [User(new string('h', 3000)), Assistant(new string('a', 3000)), User(question)];

        var noHistory = QueryComposer.Compose(messages, 0, null, null, Limits with { QueryMaxChars = 1000 });
        Assert.Equal("[当前问题]\n" + question, noHistory);

        var cut = QueryComposer.Compose(messages, 0, null, null, Limits with { QueryMaxChars = 300 });
        Assert.DoesNotContain(QueryComposer.HistoryHeader, cut);
        Assert.StartsWith("[当前问题]\nQ:qqq", cut);
        Assert.Contains("[当前问题已截断]", cut);
        Assert.True(cut.Length <= 300);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(333)]
    [InlineData(1000)]
    [InlineData(5000)]
    public void Query_never_exceeds_the_cap(int cap)
    {
        ChatMessage[] messages = [User(new string('h', 2000)), Assistant("好的" + new string('a', 2000)), User(new string('q', 3000))];
        var query = QueryComposer.Compose(messages, 0, new string('r', 4000), "INSTRUCTION " + new string('i', 80), Limits with { QueryMaxChars = cap });
        Assert.True(query.Length <= cap, $"{query.Length} > {cap}");
    }

    [Fact]
    public void Long_history_keeps_the_most_recent_lines_within_the_context_cap()
    {
        var messages = new List<ChatMessage>();
        for (var i = 0; i < 50; i++) { messages.Add(User($"question {i:00} " + new string('x', 40))); messages.Add(Assistant($"answer {i:00}")); }
        messages.Add(User("now"));
        var query = QueryComposer.Compose(messages, 0, null, null, Limits with { ContextMaxChars = 500 });

        Assert.Contains("[对话历史已截断，仅保留最近关键上下文]", query);
        Assert.Contains("answer 49", query);
        Assert.DoesNotContain("question 00", query);
    }

    [Theory]
    [InlineData("abcdefghij", 10, "abcdefghij")]
    [InlineData("0123456789ABCDEFGHIJ", 12, "012\n[m]\nGHIJ")]
    public void Head_tail_clip_follows_the_node_arithmetic(string text, int max, string expected)
        => Assert.Equal(expected, TextClip.HeadTail(text, max, "[m]", 0.5));

    [Fact]
    public void Keep_tail_clip_keeps_the_end_after_the_marker()
        => Assert.Equal("[m]\nGHIJ", TextClip.KeepTail("0123456789ABCDEFGHIJ", 8, "[m]"));
}
