using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mix2Api.Host.Admin;

// The admin API's JSON (snake_case), shared by the endpoint and `ctl`. Ids and tokens appear only as fingerprints.

public sealed record ClusterMember(
    string Address,
    IReadOnlyList<string> Roles,
    string Channel,
    string Status,
    bool Reachable,
    double? AgeSeconds = null,
    string? Version = null,
    /// <summary>The member's admin endpoint when known (lets `ctl verdict` ask every node).</summary>
    string? AdminUrl = null);

public sealed record ClusterView(IReadOnlyList<ClusterMember> Members);

public sealed record AdminActionResult(bool Ok, string Message, IReadOnlyList<string>? Addresses = null);

public sealed record ShardInfo(string Id, int Entities);

public sealed record ShardRegionInfo(string TypeName, string Node, IReadOnlyList<ShardInfo> Shards);

public sealed record ShardsView(IReadOnlyList<ShardRegionInfo> Regions);

public sealed record SessionInfo(string KeyFp, string? UpstreamSessionFp, long Turns, double AgeSeconds, string Node, int TurnsInFlight);

public sealed record SessionsView(IReadOnlyList<SessionInfo> Sessions);

public sealed record TokenInfo(
    string Mode,
    string? Fingerprint,
    DateTimeOffset? ExpiresAt,
    string? SingletonNode,
    DateTimeOffset? LastRefresh,
    long? Generation);

public sealed record StreamInfo(string RequestId, string Client, string Model, double AgeSeconds, long Chunks, string Phase, string Node);

public sealed record StreamsView(IReadOnlyList<StreamInfo> Streams);

/// <summary>A verdict row: the figures the rule reads, and the counts they come from (so nodes' rows add up).</summary>
public sealed record VerdictRow(
    string Channel,
    string Client,
    long Requests,
    double AdapterErrorPct,
    [property: JsonPropertyName("http_5xx_pct")] double Http5xxPct,
    double BrokenStreamPct,
    string Verdict,
    long Streams,
    long AdapterErrors,
    [property: JsonPropertyName("http_5xx")] long Http5xx,
    long BrokenStreams);

public sealed record VerdictView(double WindowMinutes, IReadOnlyList<VerdictRow> Rows);

/// <summary>An SLO row (client_abort excluded), with the counts it comes from.</summary>
public sealed record SloRow(
    string Client,
    long Requests,
    double SuccessPct,
    double? ToolLoopSuccessPct,
    double BrokenStreamPct,
    double AttributionPct,
    bool Met,
    long Failures,
    long Streams,
    long BrokenStreams,
    long ToolLoopsClosed,
    long ToolLoopsFailed,
    long Unattributed);

public sealed record SloView(double WindowHours, IReadOnlyList<SloRow> Rows);

public sealed record TraceSummary(
    string TraceId,
    string RequestId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string Node,
    string Channel,
    string Method,
    string Path,
    string Client,
    string Model,
    string Stream,
    string ToolsPresent,
    int MessageCount,
    int ToolCount,
    string EndReason,
    int HttpStatus,
    string UpstreamStatus,
    double DurationMs,
    double? TtfbMs,
    string SessionFp,
    string AuthFp);

public sealed record TracesView(IReadOnlyList<TraceSummary> Traces);

public sealed record NodeInfo(string Node, string Channel, string Version, string? AdminUrl);

public static class AdminJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };
}
