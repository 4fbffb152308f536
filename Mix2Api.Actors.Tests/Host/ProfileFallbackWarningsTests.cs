using Mix2Api.Host.Diagnostics;

namespace Mix2Api.Tests.Host;

public class ProfileFallbackWarningsTests
{
    [Fact]
    public void Each_model_is_warned_once_while_it_is_remembered_oldest_forgotten_first()
    {
        var warnings = new ProfileFallbackWarnings(2);
        // The Node adapter's test 19: with room for 2, the sequence a, b, c, a warns for a twice.
        Assert.Equal([true, true, false, true, true], new[] { "a", "b", "a", "c", "a" }.Select(warnings.ShouldWarn));
    }

    [Fact]
    public void Capacity_zero_warns_every_time()
    {
        var warnings = new ProfileFallbackWarnings(0);
        Assert.True(warnings.ShouldWarn("a"));
        Assert.True(warnings.ShouldWarn("a"));
    }
}
