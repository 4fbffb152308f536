using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mix2Api.Actors.Singleton;

/// <summary>
/// The token every node uses, as published in the store. <see cref="Generation"/> grows with each login, so
/// a refresh replaces only the generation it was asked to replace and never a newer token.
/// <see cref="ExpiresAt"/> is epoch ms, 0 = unknown (treated as not expiring).
/// </summary>
public sealed record SharedToken(string Token, long Generation, long ExpiresAt, long FetchedAt, string Node)
{
    public bool IsUsable(DateTimeOffset now, TimeSpan skew)
        => Token.Length > 0 && (ExpiresAt == 0 || now.ToUnixTimeMilliseconds() + (long)skew.TotalMilliseconds < ExpiresAt);

    public string ToJson() => JsonSerializer.Serialize(this, SharedTokenJson.Default.SharedToken);

    public static SharedToken? Parse(string? raw)
    {
        if (raw is null) return null;
        try
        {
            var token = JsonSerializer.Deserialize(raw, SharedTokenJson.Default.SharedToken);
            return token is { Token.Length: > 0 } ? token : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public override string ToString() => $"SharedToken({Streams.Diagnostics.Fingerprint.Of(Token)}, gen {Generation})";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SharedToken))]
internal sealed partial class SharedTokenJson : JsonSerializerContext;
