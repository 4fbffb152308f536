using System.Text;
using System.Text.Json;

namespace Mix2Api.Actors.Singleton;

/// <summary>Digest §6 expiry derivation, first match wins; null = unknown.</summary>
public static class TokenExpiry
{
    public static DateTimeOffset? Derive(JsonElement payload, string token, string expiresInField, DateTimeOffset now)
    {
        if (payload.ValueKind == JsonValueKind.Object)
        {
            if (Number(payload, expiresInField) is > 0 and var seconds) return now.AddMilliseconds(seconds * 1000);
            if (Number(payload, "expires_in") is > 0 and var s2) return now.AddMilliseconds(s2 * 1000);
            if (Number(payload, "expiresAt") is > 0 and var ms && ms > now.ToUnixTimeMilliseconds()) return DateTimeOffset.FromUnixTimeMilliseconds((long)ms);
            if (Number(payload, "exp") is > 0 and var exp) return DateTimeOffset.FromUnixTimeMilliseconds((long)(exp * 1000));
        }
        return JwtExp(token);
    }

    /// <summary>The <c>exp</c> claim of a JWT (base64url middle segment), when the token is one.</summary>
    public static DateTimeOffset? JwtExp(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            var segment = parts[1].Replace('-', '+').Replace('_', '/');
            segment = segment.PadRight(segment.Length + (4 - segment.Length % 4) % 4, '=');
            using var claims = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(segment)));
            return Number(claims.RootElement, "exp") is > 0 and var exp ? DateTimeOffset.FromUnixTimeMilliseconds((long)(exp * 1000)) : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }

    private static double? Number(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d)) return d;
        if (value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var p)) return p;
        return null;
    }
}
