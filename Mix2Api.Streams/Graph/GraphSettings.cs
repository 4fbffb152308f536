namespace Mix2Api.Streams.Graph;

/// <summary>Per-node settings of the ChatStreamGraph (the host maps configuration onto them).</summary>
public sealed record GraphSettings
{
    /// <summary>Keep-alive comment interval while nothing was sent (SSE_HEARTBEAT_MS). Zero disables.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Non-JSON data lines tolerated before the request fails (UPSTREAM_MAX_BAD_FRAMES).</summary>
    public int MaxBadFrames { get; init; }

    /// <summary>Longest upstream SSE line accepted (UPSTREAM_MAX_FRAME_BYTES).</summary>
    public int MaxFrameBytes { get; init; } = 1 << 20;

    /// <summary>Output bytes after which the graph flushes even though more frames are ready.</summary>
    public int FlushThresholdBytes { get; init; } = 16 * 1024;

    /// <summary>Use the exchange id as session id when the upstream sends no sessionId.</summary>
    public bool SessionFromExchangeId { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
