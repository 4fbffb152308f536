using System.Net;

namespace Mix2Api.Host.Upstream;

/// <summary>
/// The upstream request body, written in slices small enough to go through the HTTP connection's own write buffer.
/// A larger write goes to the socket straight from our array, and the socket keeps that array until its next send:
/// every pooled upstream connection would hold its last request body (hundreds of KB for an agent's history) as long
/// as it lives, the whole of the stream it serves included. The slices cost copies, not sends: the connection still
/// sends a full write buffer at a time.
/// </summary>
public sealed class UpstreamBodyContent(ReadOnlyMemory<byte> body) : HttpContent
{
    /// <summary>Below the connection's write buffer (4 KiB in SocketsHttpHandler), so no slice is written around it.</summary>
    public const int SliceBytes = 2048;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < body.Length; offset += SliceBytes)
            await stream.WriteAsync(body.Slice(offset, Math.Min(SliceBytes, body.Length - offset)), cancellationToken).ConfigureAwait(false);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        return true;
    }
}
