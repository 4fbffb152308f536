using Mix2Api.Streams.Budget;

namespace Mix2Api.Tests.Streams.Budget;

public class OutputBudgetTests
{
    private static readonly ModelProfile Profile = new("m", 8192, 4096, 1024, true);

    [Theory]
    [InlineData(300, 100, 300, false)]      // max_completion_tokens first
    [InlineData(null, 100, 100, false)]
    [InlineData(5000, null, 1024, true)]    // clamped to max_new_tokens
    [InlineData(null, 1024, 1024, false)]
    [InlineData(null, null, 1024, false)]   // absent: the profile's max_new_tokens, no silent small cap
    public void Max_completion_tokens_before_max_tokens_clamped_to_the_profile(int? maxCompletion, int? maxTokens, int tokens, bool clamped)
    {
        var output = OutputBudget.Resolve(maxCompletion, maxTokens, Profile);
        Assert.Equal((tokens, clamped), (output.Tokens, output.Clamped));
    }

    [Fact]
    public void The_output_always_leaves_one_input_token_in_the_window()
    {
        var tiny = new ModelProfile("t", 100, 100, 100, true);
        Assert.Equal(99, OutputBudget.Resolve(null, null, tiny).Tokens);
        Assert.Equal(1, tiny.AvailableInputTokens(99));
    }

    [Fact]
    public void Input_room_is_the_window_minus_the_reserved_output_capped_by_max_input()
    {
        Assert.Equal(4096, Profile.AvailableInputTokens(1024));
        var wide = new ModelProfile("w", 8192, 8192, 8192, true);
        Assert.Equal(8192 - 3000, wide.AvailableInputTokens(3000));
    }
}
