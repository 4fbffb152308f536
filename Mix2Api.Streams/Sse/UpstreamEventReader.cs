using System.Net.ServerSentEvents;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Sse;

/// <summary>
/// Upstream bytes → UI message frames, on the framework's <see cref="SseParser"/> (which handles
/// CR/LF/CRLF, multi-line data, <c>id:</c>/<c>retry:</c>/comments, and reassembles UTF-8 across
/// reads because it splits on bytes before decoding).
/// </summary>
public static class UpstreamEventReader
{
    private static readonly SseItemParser<UiFrame> ItemParser = static (_, data) => UiFrameParser.Parse(data);

    public static IAsyncEnumerable<SseItem<UiFrame>> ReadAsync(ActivityTrackingStream body, CancellationToken cancellationToken)
        => SseParser.Create(body, ItemParser).EnumerateAsync(cancellationToken);
}
