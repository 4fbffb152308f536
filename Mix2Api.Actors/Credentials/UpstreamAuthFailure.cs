namespace Mix2Api.Actors.Credentials;

/// <summary>
/// When an upstream answer means "your credential is bad" (digest §6): HTTP 401/403, or a JSON error text
/// (any status, 200 included) containing one of the known phrases. The host calls
/// <see cref="ICredentialProvider.RecoverAsync"/> when this is true, at most UPSTREAM_AUTH_RECOVERY_RETRY times.
/// </summary>
public static class UpstreamAuthFailure
{
    private static readonly string[] Phrases =
        ["token expired", "token invalid", "invalid token", "unauthorized", "forbidden", "authentication failed", "jwt expired"];

    public static bool IsAuthFailure(int statusCode, string? jsonErrorText)
    {
        if (statusCode is 401 or 403) return true;
        if (string.IsNullOrEmpty(jsonErrorText)) return false;
        foreach (var phrase in Phrases)
        {
            if (jsonErrorText.Contains(phrase, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
