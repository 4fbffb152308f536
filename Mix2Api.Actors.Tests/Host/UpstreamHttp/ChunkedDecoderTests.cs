using System.Text;
using Mix2Api.Host.Upstream;

namespace Mix2Api.Tests.Host.UpstreamHttp;

/// <summary>Chunked transfer coding removed in place, the same whatever way the bytes are cut, and refused when malformed.</summary>
public sealed class ChunkedDecoderTests
{
    private const string Encoded = "5\r\nhello\r\n1;name=value\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n";
    private const string Payload = "hello 0123456789";

    /// <summary>Feeds the pieces one after the other as separate reads; returns the payload and the bytes left after the end.</summary>
    private static (string Payload, bool Done, int Unconsumed) Feed(IEnumerable<byte[]> pieces)
    {
        var decoder = new ChunkedDecoder();
        var payload = new StringBuilder();
        var unconsumed = 0;
        foreach (var piece in pieces)
        {
            if (decoder.Done)
            {
                unconsumed += piece.Length;
                continue;
            }
            var n = decoder.Decode(piece, out var consumed);
            payload.Append(Encoding.ASCII.GetString(piece, 0, n));
            unconsumed += piece.Length - consumed;
        }
        return (payload.ToString(), decoder.Done, unconsumed);
    }

    [Fact]
    public void Every_two_piece_cut_gives_the_same_payload()
    {
        var bytes = Encoding.ASCII.GetBytes(Encoded);
        for (var cut = 0; cut <= bytes.Length; cut++)
            Assert.Equal((Payload, true, 0), Feed([bytes[..cut], bytes[cut..]]));
    }

    [Fact]
    public void Byte_by_byte_gives_the_same_payload()
        => Assert.Equal((Payload, true, 0), Feed(Encoding.ASCII.GetBytes(Encoded).Select(b => new[] { b })));

    [Fact]
    public void Bare_LF_and_upper_case_hex_are_accepted()
        => Assert.Equal(("0123456789ABCDEF!", true, 0), Feed([Encoding.ASCII.GetBytes("10\n0123456789ABCDEF\n1\r\n!\r\n0\n\n")]));

    [Fact]
    public void Bytes_after_the_last_chunk_are_left_unconsumed()
    {
        var (payload, done, unconsumed) = Feed([Encoding.ASCII.GetBytes("2\r\nok\r\n0\r\n\r\nHTTP/1.1 200 OK")]);
        Assert.Equal(("ok", true, "HTTP/1.1 200 OK".Length), (payload, done, unconsumed));
    }

    [Fact]
    public void A_body_cut_short_is_not_done()
        => Assert.Equal(("hel", false, 0), Feed([Encoding.ASCII.GetBytes("5\r\nhel")]));

    [Theory]
    [InlineData("g\r\n")]
    [InlineData("\r\n")]
    [InlineData("5\r\nhello!\r\n")]
    [InlineData("5\r\nhelloXY")]
    [InlineData("5\rX")]
    [InlineData("1000000000000000\r\n")]
    [InlineData("0\r\nTrailer: x\r\n\rX")]
    public void Malformed_framing_is_an_invalid_response(string encoded)
    {
        var ex = Assert.Throws<UpstreamHttpException>(() => Feed([Encoding.ASCII.GetBytes(encoded)]));
        Assert.Equal(HttpRequestError.InvalidResponse, ex.Error);
    }
}
