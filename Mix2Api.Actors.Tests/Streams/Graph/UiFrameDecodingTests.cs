using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Tests.Streams.Graph;

/// <summary>The fused framing + frame decoding stage: one batch per network read, the first always, frames intact across reads.</summary>
public class UiFrameDecodingTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly IMaterializer _materializer;

    public UiFrameDecodingTests() : base("akka.loglevel = WARNING") => _materializer = Sys.Materializer();

    /// <summary>The stage between a publisher probe (reads) and a subscriber probe (batches).</summary>
    private (TestPublisher.Probe<PooledBytes> Upstream, TestSubscriber.Probe<UiFrameBatch> Downstream) Decode()
    {
        var upstream = this.CreatePublisherProbe<PooledBytes>();
        var downstream = this.CreateSubscriberProbe<UiFrameBatch>();
        Source.FromPublisher(upstream).Via(UiFrameDecoding.Create(1024)).RunWith(Sink.FromSubscriber(downstream), _materializer);
        return (upstream, downstream);
    }

    private static PooledBytes Bytes(string text) => PooledBytes.Unpooled(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void The_first_read_yields_a_batch_even_without_frames_later_ones_only_with_frames()
    {
        var (upstream, downstream) = Decode();

        downstream.Request(1);
        upstream.SendNext(Bytes(": upstream keep-alive\n\n"));
        Assert.Equal(0, downstream.ExpectNext().Count); // the upstream answered: the sink may start heartbeats

        downstream.Request(1);
        upstream.SendNext(Bytes("data: {\"type\":\"text-delta\",\"delta\":\"你"));
        downstream.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        upstream.SendNext(Bytes("好\"}\n\ndata: {\"type\":\"finish\"}\n\ndata: [DONE]\n\n"));
        var batch = downstream.ExpectNext();
        Assert.Equal([UiFrameType.TextDelta, UiFrameType.Finish, UiFrameType.Done], batch.Frames.ToArray().Select(f => f.Type));
        Assert.Equal("你好", batch.TextOf(batch[0]).ToString());
    }

    [Fact]
    public void Each_read_s_batch_holds_only_that_read_s_frames()
    {
        var (upstream, downstream) = Decode();

        var texts = new List<string?>();
        UiFrameBatch? previous = null;
        for (var read = 0; read < 3; read++)
        {
            downstream.Request(1);
            // 20 frames a read: more than the batch's first array holds, so it grows once and is reused after.
            // Frames as the upstream writes them (with an id): their text goes into the batch's own text, not strings.
            upstream.SendNext(Bytes(string.Concat(Enumerable.Range(0, 20).Select(i => $"data: {{\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"{read}.{i} \"}}\n\n"))));
            var batch = downstream.ExpectNext();
            Assert.Equal(20, batch.Count);
            foreach (var frame in batch.Frames)
            {
                Assert.Null(frame.Text);
                texts.Add(batch.TextOf(frame).ToString());
            }
            // Handed back, the batch is refilled for the next read instead of a new one being made.
            if (previous is not null) Assert.Same(previous, batch);
            previous = batch;
            batch.Return();
        }

        Assert.Equal(Enumerable.Range(0, 3).SelectMany(read => Enumerable.Range(0, 20).Select(i => $"{read}.{i} ")), texts);
    }

    [Fact]
    public void A_batch_its_reader_keeps_is_not_refilled()
    {
        var (upstream, downstream) = Decode();

        downstream.Request(1);
        upstream.SendNext(Bytes("data: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"kept\"}\n\n"));
        var kept = downstream.ExpectNext();
        downstream.Request(1);
        upstream.SendNext(Bytes("data: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"next\"}\n\n"));
        var next = downstream.ExpectNext();

        Assert.NotSame(kept, next);
        Assert.Equal("kept", kept.TextOf(kept[0]).ToString());
        Assert.Equal("next", next.TextOf(next[0]).ToString());
    }

    [Fact]
    public void Plain_and_escaped_deltas_in_one_read_keep_their_text_and_order()
    {
        var (upstream, downstream) = Decode();

        downstream.Request(1);
        upstream.SendNext(Bytes(
            "data: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"plain 你好 \"}\n\n"
            + "data: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"say \\\"hi\\\"\\n\"}\n\n"
            + "data: {\"type\":\"reasoning-delta\",\"id\":\"r\",\"delta\":\"thinking\"}\n\n"
            + "data: {\"type\":\"text-delta\",\"id\":\"t\",\"delta\":\"🌍 end\"}\n\n"));
        var batch = downstream.ExpectNext();

        Assert.Equal(["plain 你好 ", "say \"hi\"\n", "thinking", "🌍 end"], batch.Frames.ToArray().Select(f => batch.TextOf(f).ToString()));
        Assert.Equal([UiFrameType.TextDelta, UiFrameType.TextDelta, UiFrameType.ReasoningDelta, UiFrameType.TextDelta], batch.Frames.ToArray().Select(f => f.Type));
        Assert.Null(batch[0].Text); // plain: decoded into the batch
        Assert.Equal("say \"hi\"\n", batch[1].Text); // escaped: the JSON reader's string
    }

    [Fact]
    public void Every_byte_of_every_read_is_released_to_the_pool_once_parsed()
    {
        var (upstream, downstream) = Decode();
        downstream.Request(1);
        var array = System.Buffers.ArrayPool<byte>.Shared.Rent(64);
        var n = Encoding.UTF8.GetBytes("data: {\"type\":\"start\"}\n\n", array);
        var read = PooledBytes.Rented(array, n);
        upstream.SendNext(read);
        Assert.Equal(UiFrameType.Start, downstream.ExpectNext()[0].Type);
        Assert.Throws<ObjectDisposedException>(() => read.Span.Length);
    }

    [Fact]
    public void A_non_json_data_line_is_a_malformed_frame_not_a_failure_of_the_stage()
    {
        var downstream = Source.Single(Bytes("data: <html>\n\ndata: {\"type\":\"finish\"}\n\n"))
            .Via(UiFrameDecoding.Create(1024)).RunWith(this.SinkProbe<UiFrameBatch>(), _materializer);
        downstream.Request(2);
        Assert.Equal([UiFrameType.Malformed, UiFrameType.Finish], downstream.ExpectNext().Frames.ToArray().Select(f => f.Type));
        downstream.ExpectComplete();
    }
}
