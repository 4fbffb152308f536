using System.Text;
using Mix2Api.Host.Upstream;

namespace Mix2Api.Tests.Host.UpstreamHttp;

/// <summary>The upstream response head: what the broker acts on, read from bytes however they arrive, and every malformed head refused.</summary>
public sealed class ResponseHeadParserTests
{
    private static ResponseHead Parse(string text, out int consumed)
    {
        Assert.True(ResponseHeadParser.TryParse(Encoding.Latin1.GetBytes(text), out var head, out consumed));
        return head;
    }

    private static ResponseHead Parse(string text) => Parse(text, out _);

    [Fact]
    public void A_stream_head_gives_status_type_framing_and_where_the_body_starts()
    {
        const string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nX-Other: ignored\r\n\r\n";
        var parsed = Parse(head + "5\r\nhello", out var consumed);

        Assert.Equal(200, parsed.Status);
        Assert.True(parsed.IsEventStream);
        Assert.False(parsed.IsJson);
        Assert.Equal(BodyFraming.Chunked, parsed.Framing);
        Assert.False(parsed.Close);
        Assert.Equal(head.Length, consumed);
    }

    [Fact]
    public void A_head_is_found_at_every_split_and_not_before_it_is_whole()
    {
        var bytes = Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\ncontent-type: application/json\r\n\r\n{}");
        var headLength = bytes.Length - 2;
        for (var cut = 0; cut < headLength; cut++)
            Assert.False(ResponseHeadParser.TryParse(bytes.AsSpan(0, cut), out _, out _), $"complete at {cut} bytes");
        Assert.True(ResponseHeadParser.TryParse(bytes.AsSpan(0, headLength), out var head, out var consumed));
        Assert.Equal((404, BodyFraming.ContentLength, 2L, true, headLength), (head.Status, head.Framing, head.ContentLength, head.IsJson, consumed));
    }

    [Fact]
    public void Bare_LF_line_ends_are_accepted()
    {
        var head = Parse("HTTP/1.1 200 OK\nContent-Length: 3\n\nabc", out var consumed);
        Assert.Equal((200, 3L, BodyFraming.ContentLength), (head.Status, head.ContentLength, head.Framing));
        Assert.Equal("HTTP/1.1 200 OK\nContent-Length: 3\n\n".Length, consumed);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: Keep-Alive, Close\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", true)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n", false)]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", true)]
    public void Connections_the_upstream_will_close_or_that_would_be_out_of_step_are_not_kept(string text, bool close)
        => Assert.Equal(close, Parse(text).Close);

    [Theory]
    [InlineData("HTTP/1.1 204 No Content\r\n\r\n", BodyFraming.None)]
    [InlineData("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", BodyFraming.None)]
    [InlineData("HTTP/1.1 200 OK\r\n\r\n", BodyFraming.UntilClose)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", BodyFraming.UntilClose)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", BodyFraming.Chunked)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", BodyFraming.Chunked)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", BodyFraming.ContentLength)]
    public void The_body_is_framed_as_RFC_9112_says(string text, BodyFraming framing) => Assert.Equal(framing, Parse(text).Framing);

    [Theory]
    [InlineData("HTTP/2 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 20 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 2000 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 099 Low\r\n\r\n")]
    [InlineData("ICY 200 OK\r\n\r\n")]
    [InlineData("data: {\"type\":\"start\"}\n\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-Folded: a\r\n  b\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\n: no name\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")]
    public void A_malformed_head_is_an_invalid_response(string text)
    {
        var ex = Assert.Throws<UpstreamHttpException>(() => ResponseHeadParser.TryParse(Encoding.Latin1.GetBytes(text), out _, out _));
        Assert.Equal(HttpRequestError.InvalidResponse, ex.Error);
    }

    [Fact]
    public void A_head_over_64_KiB_is_refused_complete_or_not()
    {
        var big = "HTTP/1.1 200 OK\r\nX-Big: " + new string('a', ResponseHeadParser.MaxHeadBytes) + "\r\n\r\n";
        var bytes = Encoding.ASCII.GetBytes(big);
        Assert.Equal(HttpRequestError.ConfigurationLimitExceeded,
            Assert.Throws<UpstreamHttpException>(() => ResponseHeadParser.TryParse(bytes, out _, out _)).Error);
        Assert.Equal(HttpRequestError.ConfigurationLimitExceeded,
            Assert.Throws<UpstreamHttpException>(() => ResponseHeadParser.TryParse(bytes.AsSpan(0, ResponseHeadParser.MaxHeadBytes), out _, out _)).Error);
    }

    [Fact]
    public void Retry_after_is_read_as_seconds_or_an_HTTP_date()
    {
        var now = new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(7), Parse("HTTP/1.1 429 Too Many\r\nRetry-After: 7\r\n\r\n").RetryAfterDelay(now));
        Assert.Equal(TimeSpan.FromSeconds(90), Parse("HTTP/1.1 503 Busy\r\nRetry-After: Tue, 01 Dec 2026 03:01:30 GMT\r\n\r\n").RetryAfterDelay(now));
        Assert.Null(Parse("HTTP/1.1 503 Busy\r\nRetry-After: soon\r\n\r\n").RetryAfterDelay(now));
        Assert.Null(Parse("HTTP/1.1 503 Busy\r\n\r\n").RetryAfterDelay(now));
    }

    [Fact]
    public void An_unusual_content_type_is_kept_as_sent()
    {
        var head = Parse("HTTP/1.1 200 OK\r\nContent-Type: application/problem+json; charset=utf-8\r\n\r\n");
        Assert.Equal("application/problem+json; charset=utf-8", head.ContentType);
        Assert.True(head.IsJson);
    }
}
