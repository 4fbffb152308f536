namespace Mix2Api.Streams.Graph;

/// <summary>Per-node settings of the request graph (the host maps configuration onto them).</summary>
public sealed record GraphSettings
{
    /// <summary>From the start of the request to the first upstream byte, connect and headers included (UPSTREAM_FIRST_BYTE_TIMEOUT_MS). Zero disables.</summary>
    public TimeSpan FirstByteTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Upstream silence while we are asking for data (UPSTREAM_IDLE_TIMEOUT_MS). Zero disables.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>The whole request (UPSTREAM_TOTAL_TIMEOUT_MS). Zero disables.</summary>
    public TimeSpan TotalTimeout { get; init; }

    /// <summary>Keep-alive comment interval while the client heard nothing (SSE_HEARTBEAT_MS). Zero disables.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Non-JSON data lines tolerated before the request fails (UPSTREAM_MAX_BAD_FRAMES).</summary>
    public int MaxBadFrames { get; init; }

    /// <summary>Longest upstream SSE line or event accepted (UPSTREAM_MAX_FRAME_BYTES).</summary>
    public int MaxFrameBytes { get; init; } = 1 << 20;

    /// <summary>Use the exchange id as session id when the upstream sends no sessionId.</summary>
    public bool SessionFromExchangeId { get; init; }
}
