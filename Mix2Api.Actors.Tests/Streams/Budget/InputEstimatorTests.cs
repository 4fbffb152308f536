using Mix2Api.Streams.Budget;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Upstream;

namespace Mix2Api.Tests.Streams.Budget;

public class InputEstimatorTests
{
    [Theory]
    [InlineData("hello world!", 3)]                       // 12 ASCII chars: 4 a token
    [InlineData("你好世界", 4)]                            // CJK: one token each
    [InlineData("你好 world", 4)]                          // 2 CJK + ceil(6 / 4)
    [InlineData("こんにちは", 5)]                           // kana
    [InlineData("안녕하세요", 5)]                           // hangul
    [InlineData("请读取文件 config.json 然后总结", 13)]       // 9 CJK + ceil(13 / 4)
    [InlineData("", 0)]
    public void Cjk_counts_about_one_token_a_character_other_text_four_characters_a_token(string text, int tokens)
        => Assert.Equal(tokens, InputEstimator.Tokens(text));

    [Fact]
    public void Chinese_is_not_estimated_as_chars_over_four()
    {
        var chinese = string.Concat(Enumerable.Repeat("上下文预算", 200)); // 1000 characters
        Assert.Equal(1000, InputEstimator.Tokens(chinese));
        Assert.Equal(250, InputEstimator.Tokens(new string('a', 1000)));
    }

    [Fact]
    public void A_prompt_counts_the_query_and_every_message_sent_with_an_overhead_each()
    {
        // Query "[当前问题]\nhi": 4 CJK + 5 other; messages "be brief" (8) and "hi" (2): 15 other → 4; 2 × overhead.
        var prompt = new UpstreamPrompt("[当前问题]\nhi",
            [new ChatMessage(ChatRole.System, "be brief", false, [], null, null), new ChatMessage(ChatRole.User, "hi", false, [], null, null)]);
        Assert.Equal(4 + 4 + 2 * InputEstimator.PerMessageOverhead, InputEstimator.Estimate(prompt));
    }

    [Fact]
    public void Tool_calls_names_and_ids_are_counted()
    {
        var bare = new UpstreamPrompt("", [new ChatMessage(ChatRole.Assistant, "", true, [], null, null)]);
        var withCall = new UpstreamPrompt("",
            [new ChatMessage(ChatRole.Assistant, "", true, [new ChatToolCall("call_1", "read_file", "{\"path\":\"src/a.cs\"}")], null, null)]);
        Assert.True(InputEstimator.Estimate(withCall) >= InputEstimator.Estimate(bare) + 8);
    }

    [Fact]
    public void The_tool_instruction_sent_in_query_and_system_is_counted_once()
    {
        var instruction = "TOOLS: answer with {\"tool_call\":…} " + string.Concat(Enumerable.Repeat("工具说明 ", 100));
        ChatMessage[] messages = [new(ChatRole.System, "be brief", false, [], null, null), new(ChatRole.User, "list files", false, [], null, null)];
        var limits = new QueryLimits();
        int Estimate(bool inQuery, bool inSystem)
            => InputEstimator.Estimate(new UpstreamPromptComposer(true, instruction, inQuery, inSystem, 20000, limits).Compose(messages, null));

        var none = InputEstimator.Estimate(new UpstreamPromptComposer(true, null, false, false, 20000, limits).Compose(messages, null));
        var query = Estimate(inQuery: true, inSystem: false);
        var both = Estimate(inQuery: true, inSystem: true);

        Assert.InRange(query - none, InputEstimator.Tokens(instruction), InputEstimator.Tokens(instruction) + 2);
        Assert.InRange(both - query, -1, 2); // only the separator (± rounding), not a second instruction
    }
}
