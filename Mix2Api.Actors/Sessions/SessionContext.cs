using Mix2Api.Streams.Protocol;

namespace Mix2Api.Actors.Sessions;

/// <summary>What the host knows about a request that decides which session it belongs to.</summary>
public sealed record SessionContext(
    /// <summary>SHA-256/12 of the inbound bearer token ("" hashed when inbound auth is off).</summary>
    string AuthFingerprint,
    string Model,
    /// <summary>Inferred client (digest §5.1): opencode, claude-code, a sanitised x-client value, or unknown.</summary>
    string Client,
    /// <summary><c>x-session-affinity</c> header, when the client (through new-api) sent one.</summary>
    string? AffinityKey,
    /// <summary>The <c>SESSION_KEY_HEADER</c> header value, when present.</summary>
    string? ExplicitKey,
    /// <summary>Client-supplied upstream session id (header, body or metadata), or "new".</summary>
    string? ExplicitSessionId,
    string? ExplicitExchangeId,
    IReadOnlyList<ChatMessage> Messages);
