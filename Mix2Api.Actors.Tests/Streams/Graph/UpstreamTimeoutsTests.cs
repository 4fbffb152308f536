using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Mix2Api.Streams.Graph;
using Mix2Api.Streams.Supervision;

namespace Mix2Api.Tests.Streams.Graph;

/// <summary>
/// The upstream deadlines: first byte from the start, idle only while data is being asked for. A downstream
/// that asks for nothing (a slow client) never makes the upstream look idle.
/// </summary>
public class UpstreamTimeoutsTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);
    private readonly IMaterializer _materializer;

    public UpstreamTimeoutsTests() : base("akka.loglevel = WARNING") => _materializer = Sys.Materializer();

    private (TestPublisher.Probe<int> Up, TestSubscriber.Probe<int> Down) Materialize(TimeSpan firstByte, TimeSpan idle)
        => this.SourceProbe<int>().Via(UpstreamTimeouts.Create<int>(firstByte, idle)).ToMaterialized(this.SinkProbe<int>(), Keep.Both).Run(_materializer);

    [Fact]
    public void No_first_element_within_the_first_byte_timeout_fails_typed_as_first_byte()
    {
        var (_, down) = Materialize(Short, TimeSpan.FromMinutes(1));
        down.Request(1);
        var error = Assert.IsType<UpstreamTimeoutException>(down.ExpectError());
        Assert.Equal(UpstreamTimeoutKind.FirstByte, error.Kind);
    }

    [Fact]
    public void Silence_while_asking_for_data_fails_typed_as_idle()
    {
        var (up, down) = Materialize(TimeSpan.FromMinutes(1), Short);
        down.Request(2);
        up.SendNext(1);
        Assert.Equal(1, down.ExpectNext());
        var error = Assert.IsType<UpstreamTimeoutException>(down.ExpectError());
        Assert.Equal(UpstreamTimeoutKind.Idle, error.Kind);
    }

    [Fact]
    public void A_downstream_that_asks_for_nothing_is_backpressure_not_idleness()
    {
        var (up, down) = Materialize(TimeSpan.FromMinutes(1), Short);
        down.Request(1);
        up.SendNext(1);
        Assert.Equal(1, down.ExpectNext());
        // No demand for five idle periods: the upstream is not being asked, so it is not idle.
        down.ExpectNoMsg(TimeSpan.FromMilliseconds(1000));
        down.Request(1);
        up.SendNext(2);
        Assert.Equal(2, down.ExpectNext());
        up.SendComplete();
        down.ExpectComplete();
    }
}
