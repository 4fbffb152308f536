using Mix2Api.Streams.Budget;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Upstream;

namespace Mix2Api.Tests.Streams.Budget;

/// <summary>Per-model regression cases of the precheck and trimming (SPEC §8): small and large windows.</summary>
public class BudgetPlannerTests
{
    /// <summary>A small window: 3000 input tokens, 1024 output.</summary>
    private static readonly ModelProfile Small = new("mix/small", 8192, 3000, 1024, true);
    /// <summary>The default profile of a large model.</summary>
    private static readonly ModelProfile Large = new("mix/large", 200000, 160000, 8192, true);

    private static ChatMessage System(string text) => new(ChatRole.System, text, false, [], null, null);
    private static ChatMessage User(string text) => new(ChatRole.User, text, false, [], null, null);
    private static ChatMessage Assistant(string text) => new(ChatRole.Assistant, text, false, [], null, null);
    private static ChatMessage Calls(string id, string name) => new(ChatRole.Assistant, "", true, [new ChatToolCall(id, name, "{\"path\":\"a\"}")], null, null);
    private static ChatMessage Result(string id, string text) => new(ChatRole.Tool, text, false, [], id, null);

    private static BudgetPlan Plan(IReadOnlyList<ChatMessage> messages, ModelProfile profile, int? maxTokens = null,
        bool carryHistory = true, int seen = 0, BudgetOptions? options = null)
    {
        var composer = new UpstreamPromptComposer(carryHistory, null, false, false, 20000, new QueryLimits());
        return BudgetPlanner.Plan(UpstreamMessages.Unseen(messages, carryHistory, seen), profile,
            OutputBudget.Resolve(null, maxTokens, profile), options ?? new BudgetOptions(), composer.Compose);
    }

    /// <summary>A system prompt and <paramref name="turns"/> user/assistant turns of <paramref name="chars"/> characters each.</summary>
    private static List<ChatMessage> Conversation(int turns, int chars, string unit = "a")
    {
        var list = new List<ChatMessage> { System("You are a careful assistant.") };
        for (var i = 1; i <= turns; i++)
        {
            if (i > 1) list.Add(Assistant($"answer {i - 1} " + Repeat(unit, chars)));
            list.Add(User($"question {i} " + Repeat(unit, chars)));
        }
        return list;
    }

    private static string Repeat(string unit, int chars) => string.Concat(Enumerable.Repeat(unit, chars / unit.Length));

    private static void AssertSystemAndLatestKept(BudgetPlan plan, IReadOnlyList<ChatMessage> messages)
    {
        var sent = plan.Prompt!.Messages;
        Assert.Equal(ChatRole.System, sent[0].Role);
        Assert.StartsWith(messages[0].Text[..10], sent[0].Text);
        Assert.Equal(messages[^1].Text, sent[^1].Text);
        Assert.EndsWith(messages[^1].Text, plan.Prompt.Query);
    }

    [Fact]
    public void A_conversation_within_a_large_window_passes_untouched()
    {
        var messages = Conversation(10, 400);
        var plan = Plan(messages, Large);
        Assert.Equal(BudgetAction.Pass, plan.Decision.Action);
        Assert.Equal(0, plan.Decision.TrimmedMessages);
        Assert.Equal(messages.Count, plan.Prompt!.Messages.Count);
        Assert.Equal(8192, plan.Decision.OutputTokens);
        Assert.Equal(160000, plan.Decision.AvailableInput);
    }

    [Fact]
    public void A_requested_output_above_max_new_tokens_is_clamped()
    {
        var plan = Plan(Conversation(1, 20), Small, maxTokens: 50000);
        Assert.Equal(BudgetAction.Clamp, plan.Decision.Action);
        Assert.Equal(1024, plan.Decision.OutputTokens);
    }

    [Fact]
    public void A_long_ascii_conversation_in_a_small_window_is_trimmed_keeping_system_and_latest()
    {
        var messages = Conversation(30, 800); // ~30 × 2 × 200 tokens, twice (query history + messages)
        var plan = Plan(messages, Small);

        Assert.Equal(BudgetAction.Trim, plan.Decision.Action);
        Assert.True(plan.Decision.UntrimmedInput > plan.Decision.AvailableInput);
        Assert.InRange(plan.Decision.EstimatedInput, 1, plan.Decision.AvailableInput);
        Assert.Equal(plan.Decision.EstimatedInput, InputEstimator.Estimate(plan.Prompt!));
        Assert.True(plan.Decision.TrimmedMessages > 0);
        Assert.InRange(plan.Decision.TrimRatio!.Value, 0.01, 1.0);
        AssertSystemAndLatestKept(plan, messages);
        // The most recent messages are the ones kept, in order.
        var kept = plan.Prompt!.Messages.Skip(1).Select(m => m.Text).ToList();
        Assert.Equal(messages.Skip(messages.Count - kept.Count).Select(m => m.Text), kept);
    }

    [Fact]
    public void Cjk_text_is_budgeted_at_a_token_a_character_where_chars_over_four_would_pass()
    {
        // 7 messages of 300 CJK characters, sent twice (query history + messages): ~4200 characters, which
        // chars/4 would call ~1100 tokens (within 3000); counted a token a character it is over.
        var messages = Conversation(4, 300, "上下文");
        var plan = Plan(messages, Small);
        Assert.Equal(BudgetAction.Trim, plan.Decision.Action);
        Assert.True(plan.Decision.UntrimmedInput > 4000);
        Assert.InRange(plan.Decision.EstimatedInput, 1, Small.MaxInputTokens);
        AssertSystemAndLatestKept(plan, messages);
    }

    [Fact]
    public void The_same_cjk_conversation_passes_a_large_window()
        => Assert.Equal(BudgetAction.Pass, Plan(Conversation(4, 300, "上下文"), Large).Decision.Action);

    [Fact]
    public void A_single_oversized_ascii_message_is_rejected_not_cut()
    {
        var plan = Plan([System("sys"), User(new string('x', 20000))], Small);
        Assert.Equal(BudgetAction.Reject, plan.Decision.Action);
        Assert.Null(plan.Prompt);
        Assert.Matches(@"^Input exceeds available input budget \(\d+ > 3000\); reduce messages/tools or max_tokens$", plan.Decision.RejectMessage);
    }

    [Fact]
    public void A_single_oversized_cjk_message_is_rejected_though_chars_over_four_would_fit()
    {
        var plan = Plan([User(Repeat("长", 4000))], Small); // 1000 by chars/4; 4000+ by characters
        Assert.Equal(BudgetAction.Reject, plan.Decision.Action);
        Assert.True(plan.Decision.UntrimmedInput > 4000);
    }

    [Fact]
    public void The_same_oversized_message_passes_a_large_window()
        => Assert.Equal(BudgetAction.Pass, Plan([User(Repeat("长", 4000))], Large).Decision.Action);

    [Fact]
    public void A_trimmed_tool_chain_never_starts_with_a_result_cut_off_from_its_call()
    {
        var messages = new List<ChatMessage> { System("agent"), User("fix the build") };
        for (var i = 0; i < 12; i++)
        {
            messages.Add(Calls($"call_{i}", "read_file"));
            messages.Add(Result($"call_{i}", $"file {i} " + new string('c', 1500)));
        }
        var plan = Plan(messages, Small);

        Assert.Equal(BudgetAction.Trim, plan.Decision.Action);
        var sent = plan.Prompt!.Messages;
        Assert.Equal("fix the build", sent[1].Text); // the question is kept
        Assert.Equal("call_11", sent[^1].ToolCallId); // the latest result is kept
        for (var i = 2; i < sent.Count; i++)
        {
            if (sent[i].Role != ChatRole.Tool) continue;
            var call = sent[i].ToolCallId;
            Assert.Contains(sent.Take(i), m => m.ToolCalls.Any(c => c.Id == call));
        }
        Assert.Equal(ChatRole.Assistant, sent[2].Role);
    }

    [Fact]
    public void When_few_whole_messages_fit_every_kept_message_is_shortened_to_keep_more()
    {
        // Messages of ~600 tokens (sent twice): whole, only the question and one more fit (fewer than
        // BUDGET_TRIM_RECENT_MESSAGES); shortened to 1200 characters, two more fit beside the question.
        var messages = Conversation(8, 2400);
        var plan = Plan(messages, Small);

        Assert.Equal(BudgetAction.Trim, plan.Decision.Action);
        var sent = plan.Prompt!.Messages;
        Assert.Contains(sent, m => m.Text.Contains("[消息内容已截断]", StringComparison.Ordinal));
        Assert.Equal(messages[^1].Text, sent[^1].Text); // the question is never shortened
        Assert.True(sent.Count - 1 >= 3);
    }

    [Fact]
    public void When_enough_whole_messages_fit_none_is_shortened()
    {
        var messages = Conversation(30, 300);
        var plan = Plan(messages, Small, options: new BudgetOptions { TrimRecentMessages = 2 });
        Assert.Equal(BudgetAction.Trim, plan.Decision.Action);
        Assert.DoesNotContain(plan.Prompt!.Messages, m => m.Text.Contains("[消息内容已截断]", StringComparison.Ordinal));
    }

    [Fact]
    public void A_huge_system_prompt_is_cut_head_and_tail_with_its_marker()
    {
        var system = "RULES-START " + new string('s', 30000) + " RULES-END";
        var plan = Plan([System(system), User("hello")], Small);
        Assert.Equal(BudgetAction.Trim, plan.Decision.Action);
        var sent = plan.Prompt!.Messages[0].Text;
        Assert.StartsWith("RULES-START", sent);
        Assert.EndsWith("RULES-END", sent);
        Assert.Contains("[系统提示已截断]", sent);
        Assert.True(sent.Length <= 1200);
    }

    [Fact]
    public void A_session_whose_upstream_holds_the_history_sends_only_what_is_new()
    {
        var messages = Conversation(30, 800);
        var seen = messages.Count - 2; // the upstream saw everything up to the previous question
        var plan = Plan(messages, Small, carryHistory: false, seen: seen);

        Assert.Equal(BudgetAction.Pass, plan.Decision.Action);
        var sent = plan.Prompt!.Messages;
        Assert.Equal([messages[0].Text, messages[^2].Text, messages[^1].Text], sent.Select(m => m.Text));
        Assert.DoesNotContain(QueryComposer.HistoryHeader, plan.Prompt.Query);
    }

    [Fact]
    public void The_same_conversation_without_upstream_history_is_trimmed()
    {
        var plan = Plan(Conversation(30, 800), Small, carryHistory: true);
        Assert.Equal(BudgetAction.Trim, plan.Decision.Action);
    }

    [Fact]
    public void A_tool_loop_turn_on_a_known_session_keeps_its_question_before_the_new_calls()
    {
        List<ChatMessage> messages = [System("agent"), User("fix it"), Calls("c1", "read_file"), Result("c1", "contents")];
        var unseen = UpstreamMessages.Unseen(messages, carryHistory: false, seenCount: 2);
        Assert.Equal(["agent", "fix it", "", "contents"], unseen.Select(m => m.Text));
        Assert.Same(messages, UpstreamMessages.Unseen(messages, carryHistory: true, seenCount: 0));
    }

    [Fact]
    public void A_summary_of_the_dropped_messages_goes_into_the_history_section_when_enabled()
    {
        var messages = Conversation(30, 800);
        var options = new BudgetOptions { SummaryEnabled = true };
        var plan = Plan(messages, Small, options: options);

        Assert.Equal(BudgetAction.Trim, plan.Decision.Action);
        Assert.InRange(plan.Decision.EstimatedInput, 1, plan.Decision.AvailableInput);
        var query = plan.Prompt!.Query;
        Assert.StartsWith(QueryComposer.HistoryHeader + "\n" + QueryComposer.SummaryHeader + "\n" + HistorySummary.Header, query);
        Assert.DoesNotContain(QueryComposer.SummaryHeader, Plan(messages, Small).Prompt!.Query); // off by default
    }

    [Fact]
    public void The_summary_lists_the_last_dropped_messages_one_short_line_each()
    {
        List<ChatMessage> dropped = [User("first   question\n\nwith  spaces"), Calls("c1", "grep"), Result("c1", new string('r', 1000)), Assistant("done")];
        var summary = HistorySummary.Build(dropped, new BudgetOptions { SummaryMaxLines = 3 })!;
        var lines = summary.Split('\n');
        Assert.Equal(HistorySummary.Header, lines[0]);
        Assert.Equal("Assistant: [调用工具: grep]", lines[1]);
        Assert.StartsWith("Tool(grep): rrr", lines[2]);
        Assert.Contains("[内容已压缩]", summary);
        Assert.Equal("Assistant: done", lines[^1]);
        Assert.DoesNotContain("first", summary); // beyond SummaryMaxLines
        Assert.True(summary.Length <= 600);
    }
}
