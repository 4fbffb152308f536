using Mix2Api.Soak;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Reliability;

/// <summary>
/// <c>./soak --quick</c> in small: the real broker process against a simulator with a random fault mix and
/// clients that leave at random moments; every check of the full soak must pass.
/// </summary>
public class QuickSoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_short_soak_with_random_faults_and_client_aborts_passes_every_check()
    {
        var writer = new StringWriter();
        var result = await SoakRunner.RunAsync(new SoakOptions
        {
            Requests = 400,
            Concurrency = 40,
            Seed = 7,
            AbortRate = 0.1,
            TimeLimit = TimeSpan.FromMinutes(4),
            // A loaded CI machine: memory is judged by the full ./soak (docs/RELIABILITY.md); here only gross growth.
            MemoryMarginMb = 256,
        }, writer);
        output.WriteLine(writer.ToString());
        Assert.True(result.Failed == 0, writer.ToString());
        Assert.Equal(8, result.Passed);
    }
}
