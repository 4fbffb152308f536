using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mix2Api.Actors.Membership;

/// <summary>One node as it announces itself. Times are epoch ms; a member whose heartbeat is older than the TTL is gone.</summary>
public sealed record MemberRecord(string NodeId, string Channel, string Version, long StartedAt, long Heartbeat)
{
    public string ToJson() => JsonSerializer.Serialize(this, MemberRecordJson.Default.MemberRecord);

    public static MemberRecord? Parse(string raw)
    {
        try
        {
            return JsonSerializer.Deserialize(raw, MemberRecordJson.Default.MemberRecord) is { NodeId.Length: > 0 } member ? member : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>What <c>/health</c> and the admin view show about the cluster.</summary>
public sealed record MembershipSnapshot(
    MemberRecord Self,
    IReadOnlyList<MemberRecord> Members);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MemberRecord))]
internal sealed partial class MemberRecordJson : JsonSerializerContext;
