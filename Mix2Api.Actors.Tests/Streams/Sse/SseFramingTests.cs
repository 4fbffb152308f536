using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Sse;

namespace Mix2Api.Tests.Streams.Sse;

/// <summary>
/// The SSE framing stage against the event-stream specification: the same events whatever the newline
/// style and however the network cuts the bytes (one byte at a time, random re-chunking), comments and
/// unknown fields ignored, <c>id:</c>/<c>event:</c>/<c>retry:</c> honoured, and the line cap enforced.
/// </summary>
public class SseFramingTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly IMaterializer _materializer;

    public SseFramingTests() : base("akka.loglevel = WARNING") => _materializer = Sys.Materializer();

    /// <summary>Lines of a stream; "" is a blank line (dispatch).</summary>
    private static readonly string[] Lines =
    [
        ": a comment first",
        "retry: 2500",
        "id: 7",
        "event: delta",
        "data: {\"a\":1}",
        "",
        "data: line one",
        "data: line two",
        ": comment inside an event",
        "unknown: field is ignored",
        "",
        "data",             // a field without a colon: an empty data line
        "",
        "id: bad\0id",      // an id with NUL is ignored: the last id stays 7
        "retry: soon",      // a retry that is not digits is ignored
        "data:no-space 你好 🌍",
        "",
        "event: ping",      // an event type without data dispatches nothing
        "",
        "data: [DONE]",
        "",
        "data: unterminated at the end of the stream",
    ];

    private static readonly SseEvent[] Expected =
    [
        new("delta", "{\"a\":1}", "7", 2500),
        new("message", "line one\nline two", "7", 2500),
        new("message", "", "7", 2500),
        new("message", "no-space 你好 🌍", "7", 2500),
        new("message", "[DONE]", "7", 2500),
    ];

    private static byte[] Encode(string newline, bool bom = false)
    {
        var nl = newline switch { "LF" => "\n", "CR" => "\r", "CRLF" => "\r\n", _ => throw new ArgumentException(newline) };
        var text = string.Join(nl, Lines);
        var bytes = Encoding.UTF8.GetBytes(text);
        return bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes;
    }

    private static IEnumerable<PooledBytes> Rechunk(byte[] bytes, string chunking)
    {
        if (chunking == "whole")
        {
            yield return PooledBytes.Unpooled(bytes);
            yield break;
        }
        var random = new Random(chunking == "trickle" ? 0 : int.Parse(chunking["seed:".Length..]));
        for (var at = 0; at < bytes.Length;)
        {
            var n = chunking == "trickle" ? 1 : Math.Min(random.Next(0, 24), bytes.Length - at); // 0: an empty read
            yield return PooledBytes.Unpooled(bytes[at..(at + n)]);
            at += n;
        }
    }

    private async Task<List<SseEvent>> FrameAsync(IEnumerable<PooledBytes> chunks, int maxFrameBytes = 1024)
    {
        var batches = await Source.From(chunks).Via(SseFraming.Events(maxFrameBytes)).RunWith(Sink.Seq<IReadOnlyList<SseEvent>>(), _materializer);
        Assert.All(batches, b => Assert.NotEmpty(b)); // an element is only emitted when a read completed events
        return batches.SelectMany(b => b).ToList();
    }

    public static TheoryData<string, string, bool> Combinations()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var newline in new[] { "LF", "CR", "CRLF" })
            foreach (var chunking in new[] { "whole", "trickle", "seed:1", "seed:7", "seed:42", "seed:1234" })
                data.Add(newline, chunking, chunking == "seed:7");
        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task The_same_events_come_out_for_every_newline_style_and_chunking(string newline, string chunking, bool bom)
    {
        var events = await FrameAsync(Rechunk(Encode(newline, bom), chunking));
        Assert.Equal(Expected, events);
    }

    [Fact]
    public void A_CR_ending_one_read_and_an_LF_starting_the_next_are_one_line_end()
    {
        var upstream = this.CreatePublisherProbe<PooledBytes>();
        var downstream = this.CreateSubscriberProbe<IReadOnlyList<SseEvent>>();
        Source.FromPublisher(upstream).Via(SseFraming.Events(1024)).RunWith(Sink.FromSubscriber(downstream), _materializer);
        downstream.Request(10);
        upstream.SendNext(PooledBytes.Unpooled("data: a\r"u8.ToArray()));
        upstream.SendNext(PooledBytes.Unpooled("\ndata: b\r"u8.ToArray()));
        // Had the LF counted as a second line end, "a" would have been dispatched alone.
        downstream.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        upstream.SendNext(PooledBytes.Unpooled("\r"u8.ToArray()));
        Assert.Equal([new SseEvent("message", "a\nb", "", null)], downstream.ExpectNext());
        upstream.SendComplete();
        downstream.ExpectComplete();
    }

    [Fact]
    public void A_read_that_completes_no_event_emits_nothing_until_a_later_read_does()
    {
        var upstream = this.CreatePublisherProbe<PooledBytes>();
        var downstream = this.CreateSubscriberProbe<IReadOnlyList<SseEvent>>();
        Source.FromPublisher(upstream).Via(SseFraming.Events(1024)).RunWith(Sink.FromSubscriber(downstream), _materializer);
        downstream.Request(1);
        upstream.SendNext(PooledBytes.Unpooled("data: half"u8.ToArray()));
        downstream.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        upstream.SendNext(PooledBytes.Unpooled(" done\n\n"u8.ToArray()));
        Assert.Equal("half done", downstream.ExpectNext()[0].Data);
    }

    [Theory]
    [InlineData("trickle")]
    [InlineData("whole")]
    public async Task A_line_longer_than_the_cap_fails_with_a_typed_error(string chunking)
    {
        var bytes = Encoding.UTF8.GetBytes("data: ok\n\ndata: " + new string('x', 2000) + "\n\n");
        var ex = await Assert.ThrowsAsync<UpstreamFrameTooLargeException>(() => FrameAsync(Rechunk(bytes, chunking), maxFrameBytes: 1024));
        Assert.Equal(1024, ex.Limit);
    }

    [Fact]
    public async Task An_event_whose_data_lines_together_exceed_the_cap_fails_too()
    {
        var lines = string.Concat(Enumerable.Repeat("data: " + new string('y', 100) + "\n", 20)) + "\n";
        await Assert.ThrowsAsync<UpstreamFrameTooLargeException>(() => FrameAsync(Rechunk(Encoding.UTF8.GetBytes(lines), "seed:3"), maxFrameBytes: 1024));
    }

    [Fact]
    public async Task Bytes_that_merely_start_like_a_bom_are_kept()
    {
        var events = await FrameAsync([PooledBytes.Unpooled([0xEF]), PooledBytes.Unpooled("x: 1\ndata: z\n\n"u8.ToArray())]);
        Assert.Equal("z", Assert.Single(events).Data);
    }
}
