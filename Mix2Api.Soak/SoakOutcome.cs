namespace Mix2Api.Soak;

public enum SoakVerdict
{
    /// <summary>Ended with a terminal signal the client can act on.</summary>
    Terminated,

    /// <summary>The client left on purpose before the end (nothing is owed to it).</summary>
    Aborted,

    /// <summary>No terminal signal: a cut stream, a hang, a body that is not the envelope.</summary>
    Broken,
}

/// <summary>
/// What the client saw. <see cref="Terminal"/> is <c>finish</c> (finish_reason and, on a stream, <c>[DONE]</c>),
/// <c>error-event</c> (the error event and <c>[DONE]</c>) or <c>http-error</c> (a status with the OpenAI envelope).
/// </summary>
/// <param name="Answered">Response headers arrived: the broker surely saw the request (a client that left earlier may have
/// left before the broker read it, and then nothing is logged for it).</param>
/// <param name="ErrorCode">The <c>error.code</c> of the error event or envelope, when there was one (e.g. <c>shutdown</c>).</param>
/// <param name="Started">When the request was sent (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</param>
/// <param name="Ended">When its end was seen (same clock).</param>
/// <param name="SessionId">The upstream session the broker answered on (<c>x-session-id</c>), when it said.</param>
public sealed record SoakOutcome(SoakPlan Plan, SoakVerdict Verdict, int Status, string Terminal, double DurationMs, string? Problem, bool Answered,
    string? ErrorCode, long Started, long Ended, string? SessionId);
