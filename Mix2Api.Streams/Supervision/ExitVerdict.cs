using Mix2Api.Streams.Output;

namespace Mix2Api.Streams.Supervision;

/// <summary>
/// What an exit means: its end_reason and, for failures, the HTTP status (before the first byte)
/// and the error the client is told (as the JSON body, or as the terminal SSE error event).
/// </summary>
public sealed record ExitVerdict(EndReason Reason, int HttpStatus, ErrorBody? Error);
