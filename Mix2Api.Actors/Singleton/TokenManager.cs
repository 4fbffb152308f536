using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Diagnostics;
using Mix2Api.Streams.Diagnostics;

namespace Mix2Api.Actors.Singleton;

/// <summary>
/// <see cref="ICredentialProvider"/> for UPSTREAM_AUTH_MODE=managed, on every node. Requests read the shared
/// token (kept locally for a second to spare the store); the <see cref="TokenManagerSingleton"/> logs in and
/// renews ahead of expiry on one node; any node may refresh on demand through the <see cref="TokenRefresher"/>,
/// which makes a burst of auth failures anywhere in the cluster cost one login.
/// </summary>
public sealed class TokenManager(TokenRefresher refresher, TokenOptions options, TimeProvider time, ILogger<TokenManager> log) : ICredentialProvider
{
    private static readonly TimeSpan LocalCacheFor = TimeSpan.FromSeconds(1);
    private volatile CachedToken? _cached;

    public string Mode => "managed";

    public TokenRefresher Refresher => refresher;

    public async ValueTask<UpstreamCredential> GetAsync(string? inboundBearer, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cached is { } cached && now - cached.ReadAt < LocalCacheFor && cached.Token.IsUsable(now, options.ExpirySkew))
            return cached.Credential;
        var shared = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (shared is not null && shared.IsUsable(now, options.ExpirySkew)) return Remember(shared);
        refresher.ThrowIfBackingOff();
        return Remember(await refresher.RefreshAsync(shared?.Generation ?? 0, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The upstream rejected <paramref name="rejected"/>: if another request already replaced it, use that;
    /// otherwise join (or start) the one refresh of its generation. A failed login throws (502 upstream_auth_error).
    /// </summary>
    public async ValueTask<UpstreamCredential?> RecoverAsync(UpstreamCredential rejected, CancellationToken cancellationToken)
    {
        var shared = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (shared is not null && shared.Token != rejected.BearerToken && shared.IsUsable(time.GetUtcNow(), options.ExpirySkew))
        {
            ActorsTelemetry.TokenRecoveries.Add(1, new KeyValuePair<string, object?>("result", "shared"));
            log.TokenRecovered(rejected.Fingerprint, "shared", Fingerprint.Of(shared.Token));
            return Remember(shared);
        }
        var replaces = shared?.Generation ?? 0;
        try
        {
            var fresh = await refresher.RefreshAsync(replaces, cancellationToken).ConfigureAwait(false);
            ActorsTelemetry.TokenRecoveries.Add(1, new KeyValuePair<string, object?>("result", "refreshed"));
            log.TokenRecovered(rejected.Fingerprint, "refreshed", Fingerprint.Of(fresh.Token));
            return Remember(fresh);
        }
        catch (UpstreamCredentialException)
        {
            ActorsTelemetry.TokenRecoveries.Add(1, new KeyValuePair<string, object?>("result", "failed"));
            throw;
        }
    }

    private async Task<SharedToken?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await refresher.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new UpstreamCredentialException("Managed upstream token store unavailable", ex);
        }
    }

    private UpstreamCredential Remember(SharedToken token)
    {
        var cached = new CachedToken(token, new UpstreamCredential(token.Token), time.GetUtcNow());
        _cached = cached;
        return cached.Credential;
    }

    private sealed record CachedToken(SharedToken Token, UpstreamCredential Credential, DateTimeOffset ReadAt);
}
