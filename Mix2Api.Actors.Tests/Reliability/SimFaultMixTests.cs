using Mix2Api.Host.Hosting;
using Mix2Api.Host.Simulator;
using Microsoft.Extensions.Configuration;

namespace Mix2Api.Tests.Reliability;

public class SimFaultMixTests
{
    [Theory]
    [InlineData("stall:0.5,nope:0.1", "unknown fault 'nope'")]
    [InlineData("stall", "fault 'stall' needs a probability")]
    [InlineData("stall:1.5", "fault 'stall' needs a probability")]
    [InlineData("stall:0.2,stall:0.1", "fault 'stall' is given twice")]
    [InlineData("stall:0.6,drop:0.6", "add up to 1.2, more than 1")]
    public void A_bad_mix_is_explained(string text, string message)
    {
        Assert.False(SimFaultMix.TryParse(text, null, out _, out var error));
        Assert.Contains(message, error);
    }

    [Fact]
    public void A_seeded_mix_draws_each_fault_about_as_often_as_asked_and_the_same_way_every_time()
    {
        static string[] Draws() { var mix = SimFaultMix.Parse("stall:0.2,500:0.3", seed: 42); return [.. Enumerable.Range(0, 10_000).Select(_ => mix.Draw()?.Name ?? "none")]; }
        var draws = Draws();
        Assert.Equal(draws, Draws());
        Assert.InRange(draws.Count(d => d == "fault:stall"), 1_700, 2_300);
        Assert.InRange(draws.Count(d => d == "fault:status500"), 2_700, 3_300);
        Assert.InRange(draws.Count(d => d == "none"), 4_700, 5_300);
    }

    [Fact]
    public void A_bad_mix_in_the_environment_is_a_startup_error()
    {
        var config = new ConfigurationManager();
        config.AddInMemoryCollection(new Dictionary<string, string?> { ["UPSTREAM_SIMULATOR_FAULTS"] = "stall:2" });
        var (_, errors) = Mix2ApiSettings.Load(config, isDevelopment: true);
        Assert.Contains(errors, e => e.StartsWith("UPSTREAM_SIMULATOR_FAULTS", StringComparison.Ordinal) && e.Contains("needs a probability"));
    }

    [Fact]
    public async Task The_simulator_serves_the_drawn_fault_before_any_directive()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { FaultMix = SimFaultMix.Parse("429:1") });
        using var http = new HttpClient();
        var response = await http.PostAsync(server.ChatUrl, new StringContent("""{"messages":[{"role":"user","content":"[[sim:short]]"}]}"""));
        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter!.Delta);
    }
}
