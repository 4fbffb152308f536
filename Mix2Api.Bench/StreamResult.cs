using System.Diagnostics;

namespace Mix2Api.Bench;

/// <summary>How one request went, as the client saw it. Times are Stopwatch ticks from sending the request.</summary>
public sealed record StreamResult(int Status, int Chunks, bool SawDone, bool SawError, long FirstChunkTicks, long TotalTicks, long Bytes, string? Error)
{
    public static StreamResult Failed(string error, long totalTicks) => new(0, 0, false, false, -1, totalTicks, 0, error);

    public double FirstChunkMs => FirstChunkTicks < 0 ? double.NaN : FirstChunkTicks * 1000.0 / Stopwatch.Frequency;

    public double TotalMs => TotalTicks * 1000.0 / Stopwatch.Frequency;

    /// <summary>200, no error event, and (for streams) the terminating <c>[DONE]</c> with the expected chunks.</summary>
    public bool IsSuccess(int expectedChunks, bool streamed) =>
        Status == 200 && Error is null && !SawError && (!streamed || (SawDone && Chunks == expectedChunks));

    public string Describe(int expectedChunks) => Error
        ?? (Status != 200 ? $"HTTP {Status}"
        : SawError ? "error event in the stream"
        : !SawDone ? $"no [DONE] after {Chunks} chunks"
        : $"{Chunks} chunks, expected {expectedChunks}");
}
