using Mix2Api.Actors.Singleton;
using Mix2Api.Host.Hosting;
using Mix2Api.Streams.Diagnostics;

namespace Mix2Api.Host.Admin;

/// <summary>
/// <see cref="ITokenView"/> over today's credentials: in managed mode the shared token the TokenManager keeps in
/// the store (and the lease holder as the singleton's node), else the static token's fingerprint. Never the token.
/// </summary>
public sealed class CredentialTokenView(Mix2ApiSettings settings, TokenRefresher? refresher = null) : ITokenView
{
    public async Task<TokenInfo> ShowAsync(CancellationToken cancellationToken)
    {
        var mode = settings.UpstreamAuthMode;
        if (mode != "managed" || refresher is null)
        {
            var fp = mode == "static" && settings.UpstreamBearerToken is { } token ? Fingerprint.Of(token) : null;
            return new TokenInfo(mode, fp, null, null, null, null);
        }
        var shared = await refresher.ReadAsync(cancellationToken);
        string? holder = null;
        return Describe(shared, holder);
    }

    public async Task<TokenInfo?> RefreshAsync(CancellationToken cancellationToken)
    {
        if (settings.UpstreamAuthMode != "managed" || refresher is null) return null;
        var current = await refresher.ReadAsync(cancellationToken);
        var fresh = await refresher.RefreshAsync(current?.Generation ?? 0, cancellationToken);
        string? holder = null;
        return Describe(fresh, holder);
    }

    private static TokenInfo Describe(SharedToken? token, string? holder) => token is null
        ? new TokenInfo("managed", null, null, holder, null, null)
        : new TokenInfo("managed", Fingerprint.Of(token.Token),
            token.ExpiresAt > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(token.ExpiresAt) : null,
            holder ?? token.Node, DateTimeOffset.FromUnixTimeMilliseconds(token.FetchedAt), token.Generation);
}
