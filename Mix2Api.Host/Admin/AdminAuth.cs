using System.Security.Cryptography;
using System.Text;

namespace Mix2Api.Host.Admin;

/// <summary>
/// The admin endpoint's bearer check (ADMIN_TOKEN). Both sides are hashed first, so the comparison is
/// constant-time whatever the lengths. Without a token (loopback only, enforced at start-up) every caller passes.
/// </summary>
public sealed class AdminAuth
{
    private readonly byte[]? _expected;

    public AdminAuth(AdminSettings settings)
        => _expected = settings.Token is { } token ? SHA256.HashData(Encoding.UTF8.GetBytes(token)) : null;

    public bool IsAllowed(HttpRequest request)
    {
        if (_expected is null) return true;
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header.AsSpan(7).Trim().ToString()));
        return CryptographicOperations.FixedTimeEquals(given, _expected);
    }
}
