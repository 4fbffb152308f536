using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mix2Api.Actors.Sessions;

/// <summary>
/// What the store keeps per session key. Times are epoch milliseconds. <see cref="HistoryHash"/> covers the
/// first <see cref="HistoryCount"/> request messages the upstream has seen; null means unknown (a turn was
/// abandoned after the upstream saw it), which makes the next turn start over.
/// </summary>
public sealed record SessionRecord(
    int SchemaVersion,
    string SessionId,
    string? ExchangeId,
    int TurnCount,
    string? HistoryHash,
    int HistoryCount,
    long CreatedAt,
    long UpdatedAt,
    long Version)
{
    /// <summary>Only grows. A record with any other version is a miss.</summary>
    public const int CurrentSchemaVersion = 1;

    public string ToJson() => JsonSerializer.Serialize(this, SessionRecordJson.Default.SessionRecord);

    /// <summary>Parse with the schema guard (digest §5.6): returns the record, or null and why it is a miss.</summary>
    public static SessionRecord? Parse(string raw, out string? missReason)
    {
        SessionRecord? record;
        try
        {
            using var document = JsonDocument.Parse(raw);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                missReason = "invalid_type";
                return null;
            }
            if (!document.RootElement.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != CurrentSchemaVersion)
            {
                missReason = $"unsupported_schema_version:{(document.RootElement.TryGetProperty("schemaVersion", out var raw2) ? raw2.GetRawText() : "none")}";
                return null;
            }
            record = document.RootElement.Deserialize(SessionRecordJson.Default.SessionRecord);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            // Any record we cannot read is a miss, never a failed request.
            missReason = "invalid_json";
            return null;
        }
        missReason = record switch
        {
            null => "invalid_type",
            { SessionId: null or "" } => "missing_session_id",
            { UpdatedAt: <= 0 } or { CreatedAt: <= 0 } => "invalid_timestamp",
            { Version: <= 0 } => "invalid_version",
            { TurnCount: < 0 } or { HistoryCount: < 0 } => "invalid_count",
            _ => null,
        };
        return missReason is null ? record : null;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SessionRecord))]
internal sealed partial class SessionRecordJson : JsonSerializerContext;
