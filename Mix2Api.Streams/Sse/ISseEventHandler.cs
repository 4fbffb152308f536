namespace Mix2Api.Streams.Sse;

/// <summary>Receives the events <see cref="SseEventParser"/> dispatches. Spans are only valid during the call.</summary>
internal interface ISseEventHandler
{
    /// <param name="eventType">The <c>event:</c> field, empty for the default type (<c>message</c>).</param>
    /// <param name="data">The <c>data:</c> lines joined with LF.</param>
    /// <param name="lastEventId">The last <c>id:</c> seen on the stream, empty when none.</param>
    void OnEvent(ReadOnlySpan<byte> eventType, ReadOnlySpan<byte> data, ReadOnlySpan<byte> lastEventId);
}
