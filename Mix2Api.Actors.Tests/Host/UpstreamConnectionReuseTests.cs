using System.Net;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Host;

/// <summary>
/// The broker ends the client's stream at the upstream's <c>finish</c> frame, before <c>[DONE]</c>
/// arrives. Whatever it does with the rest of the upstream reply must leave the pooled upstream
/// connection usable: the next request on it must succeed.
/// </summary>
public sealed class UpstreamConnectionReuseTests
{
    [Fact]
    public async Task A_late_done_after_finish_never_breaks_the_next_request_on_the_connection()
    {
        await using var broker = await BrokerHost.StartAsync(new Dictionary<string, string?> { ["SESSION_KEY_MODE"] = "model" });
        var lateDone = new SimScript("finish-then-late-done",
            new SimStep.StartFrame(), SimFrames.StartStep, SimFrames.TextStart(), new SimStep.TextDeltas("late done", 2),
            SimFrames.TextEnd(), SimFrames.FinishStep, SimFrames.Finish, new SimStep.Delay(TimeSpan.FromMilliseconds(20)), new SimStep.Done());
        broker.Simulator.Simulator.DefaultScript = lateDone;
        for (var i = 0; i < 40; i++)
        {
            var response = await broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("again", stream: i % 2 == 0)));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i}: {(int)response.StatusCode} {body}");
            Assert.DoesNotContain("\"error\"", body);
            Assert.Contains("\"finish_reason\":\"stop\"", body);
        }
    }

    [Fact]
    public async Task The_client_response_ends_at_finish_without_waiting_for_the_upstream_done()
    {
        await using var broker = await BrokerHost.StartAsync();
        var gate = new SimGate("after finish");
        broker.Upstream.Enqueue(new SimScript("finish-then-wait",
            new SimStep.StartFrame(), new SimStep.TextDeltas("done early", 2), SimFrames.Finish,
            new SimStep.WaitGate(gate), new SimStep.Done()));
        var response = await broker.Client.SendAsync(ChatRequests.Post(ChatRequests.Body("end", stream: true)));
        var body = await response.Content.ReadAsStringAsync();
        Assert.False(gate.IsOpen);
        Assert.EndsWith("data: [DONE]\n\n", body);
        gate.Open();
    }
}
