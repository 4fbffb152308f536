namespace Mix2Api.Streams.Sse;

/// <summary>One dispatched SSE event: its type (<c>message</c> by default), data, the last event id and reconnection time.</summary>
public sealed record SseEvent(string Type, string Data, string LastEventId, long? RetryMs);
