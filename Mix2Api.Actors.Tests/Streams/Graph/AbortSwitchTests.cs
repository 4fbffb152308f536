using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Tests.Streams.Graph;

/// <summary>
/// The abort switch the endpoint binds to the client's disconnect and the node's shutdown before the graph runs:
/// an abort ends the graph with its typed failure whenever it comes, including before the stage started.
/// </summary>
public class AbortSwitchTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly IMaterializer _materializer;

    public AbortSwitchTests() : base("akka.loglevel = WARNING") => _materializer = Sys.Materializer();

    private (TestPublisher.Probe<int> Up, TestSubscriber.Probe<int> Down) Run(AbortSwitch abortSwitch)
        => this.SourceProbe<int>()
            .Via(AbortSwitch.Create<int>())
            .ToMaterialized(this.SinkProbe<int>(), Keep.Both)
            .AddAttributes(new Attributes(abortSwitch))
            .Run(_materializer);

    [Fact]
    public async Task An_abort_fails_downstream_with_its_reason_and_cancels_upstream()
    {
        var abortSwitch = new AbortSwitch();
        var (up, down) = Run(abortSwitch);
        down.Request(2);
        await up.SendNextAsync(1);
        await down.ExpectNextAsync(1);

        var reason = new ClientAbortedException();
        abortSwitch.Abort(reason);

        Assert.Same(reason, await down.ExpectErrorAsync());
        await up.ExpectCancellationAsync();
    }

    [Fact]
    public async Task An_abort_before_the_graph_started_ends_it_as_soon_as_it_starts()
    {
        var abortSwitch = new AbortSwitch();
        var reason = new NodeShuttingDownException();
        abortSwitch.Abort(reason);

        var (up, down) = Run(abortSwitch);

        Assert.Same(reason, await down.ExpectSubscriptionAndErrorAsync());
        await up.ExpectCancellationAsync();
    }

    [Fact]
    public async Task The_first_abort_wins()
    {
        var abortSwitch = new AbortSwitch();
        var (_, down) = Run(abortSwitch);
        var first = new ClientAbortedException();
        abortSwitch.Abort(first);
        abortSwitch.Abort(new NodeShuttingDownException());
        Assert.Same(first, await down.ExpectSubscriptionAndErrorAsync());
    }

    [Fact]
    public async Task Elements_pass_through_untouched_until_an_abort()
    {
        var (up, down) = Run(new AbortSwitch());
        down.Request(3);
        foreach (var n in new[] { 1, 2, 3 }) await up.SendNextAsync(n);
        await down.ExpectNextNAsync(new[] { 1, 2, 3 });
        await up.SendCompleteAsync();
        await down.ExpectCompleteAsync();
    }

    [Fact]
    public void A_graph_without_its_switch_fails_naming_the_missing_attribute()
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            this.SourceProbe<int>().Via(AbortSwitch.Create<int>()).ToMaterialized(this.SinkProbe<int>(), Keep.Both).Run(_materializer));
        Assert.Contains("without its AbortSwitch attribute", failure.Message);
    }
}
