using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Singleton;
using Mix2Api.Host.Hosting;
using Mix2Api.Streams.Diagnostics;

namespace Mix2Api.Host.Admin;

/// <summary>
/// <see cref="ITokenView"/> over the credentials: in managed mode the TokenManager singleton's own status (its node,
/// the token's fingerprint, expiry, last refresh); a refresh is the same single-flight forced refresh a 401 triggers.
/// Static mode shows the configured token's fingerprint. Never the token.
/// </summary>
public sealed class CredentialTokenView(Mix2ApiSettings settings, ManagedCredentialProvider? managed = null) : ITokenView
{
    public async Task<TokenInfo> ShowAsync(CancellationToken cancellationToken)
    {
        if (managed is null)
        {
            var mode = settings.UpstreamAuthMode;
            var fp = mode == "static" && settings.UpstreamBearerToken is { } token ? Fingerprint.Of(token) : null;
            return new TokenInfo(mode, fp, null, null, null, null);
        }
        return Describe(await managed.StatusAsync(cancellationToken));
    }

    public async Task<TokenInfo?> RefreshAsync(CancellationToken cancellationToken)
    {
        if (managed is null) return null;
        var current = await managed.GetAsync(null, cancellationToken);
        await managed.RecoverAsync(current, cancellationToken);
        return Describe(await managed.StatusAsync(cancellationToken));
    }

    private static TokenInfo Describe(TokenStatus? status) => status is null
        ? new TokenInfo("managed", null, null, null, null, null)
        : new TokenInfo("managed", status.Fingerprint, status.ExpiresAt, status.SingletonNode, status.LastRefresh, status.Generation);
}
