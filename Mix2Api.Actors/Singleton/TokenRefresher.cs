using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Credentials;
using Mix2Api.Actors.Diagnostics;
using Mix2Api.Actors.State;
using Mix2Api.Streams.Diagnostics;

namespace Mix2Api.Actors.Singleton;

/// <summary>
/// Replaces the shared token with a fresh login, at most once per generation across the cluster:
/// in-process, callers replacing the same (or an older) generation join one flight; across nodes, the login
/// runs only under the refresh lock key, and whoever finds a newer generation than the one it wanted to
/// replace just takes it. Publishing is a compare-and-set from the generation read under the lock, so a
/// refresh never overwrites a newer token. A failed login starts a backoff shared through the store.
/// </summary>
public sealed class TokenRefresher(
    IKeyValueStore store,
    TokenFetcher fetcher,
    TokenOptions options,
    string nodeId,
    TimeProvider time,
    ILogger<TokenRefresher> log)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private readonly Lock _gate = new();
    private readonly string _tokenKey = $"{options.KeyPrefix}:token";
    private readonly string _lockKey = $"{options.KeyPrefix}:token:refresh";
    private readonly string _backoffKey = $"{options.KeyPrefix}:token:backoff";
    private Task<SharedToken>? _flight;
    private long _flightReplaces = -1;
    private int _failures;
    private DateTimeOffset _backoffUntil;
    private string? _lastError;

    /// <summary>Logins this node performed (for tests and the admin view).</summary>
    public int LoginCount => Volatile.Read(ref _logins);
    private int _logins;

    public async Task<SharedToken?> ReadAsync(CancellationToken cancellationToken)
        => SharedToken.Parse(await store.GetAsync(_tokenKey, cancellationToken).ConfigureAwait(false));

    /// <summary>Throws when a recent login failed and the backoff has not run out, unless a usable token exists.</summary>
    public void ThrowIfBackingOff()
    {
        lock (_gate)
        {
            if (time.GetUtcNow() < _backoffUntil)
                throw new UpstreamCredentialException($"Managed upstream login failed recently ({_lastError}); next attempt after {_backoffUntil:O}");
        }
    }

    /// <summary>A token newer than generation <paramref name="replaces"/> (0 = none yet), logging in if nobody has.</summary>
    public Task<SharedToken> RefreshAsync(long replaces, CancellationToken cancellationToken)
    {
        Task<SharedToken> flight;
        lock (_gate)
        {
            if (_flight is null || _flight.IsCompleted || _flightReplaces < replaces)
            {
                _flightReplaces = replaces;
                _flight = Task.Run(() => RunAsync(replaces));
            }
            flight = _flight;
        }
        return flight.WaitAsync(cancellationToken);
    }

    private async Task<SharedToken> RunAsync(long replaces)
    {
        var deadline = time.GetUtcNow() + options.Timeout + options.Timeout;
        var lockValue = $"{nodeId}|{Guid.NewGuid():N}";
        while (true)
        {
            var current = await ReadAsync(CancellationToken.None).ConfigureAwait(false);
            if (current is not null && current.Generation > replaces && current.IsUsable(time.GetUtcNow(), options.ExpirySkew)) return current;
            if (await store.GetAsync(_backoffKey, CancellationToken.None).ConfigureAwait(false) is { } sharedError)
                throw Backoff(new UpstreamCredentialException($"Managed upstream login is backing off after a failure: {sharedError}"), share: false);

            var lockTtl = options.Timeout + TimeSpan.FromSeconds(2);
            if (await store.CompareAndSetAsync(_lockKey, null, lockValue, lockTtl, CancellationToken.None).ConfigureAwait(false))
            {
                try
                {
                    return await LoginUnderLockAsync(replaces).ConfigureAwait(false);
                }
                finally
                {
                    await store.CompareAndSetAsync(_lockKey, lockValue, null, null, CancellationToken.None).ConfigureAwait(false);
                }
            }
            if (time.GetUtcNow() > deadline)
                throw new UpstreamCredentialException("Managed upstream login: timed out waiting for another node's login");
            await Task.Delay(PollInterval, time).ConfigureAwait(false);
        }
    }

    private async Task<SharedToken> LoginUnderLockAsync(long replaces)
    {
        var raw = await store.GetAsync(_tokenKey, CancellationToken.None).ConfigureAwait(false);
        var current = SharedToken.Parse(raw);
        if (current is not null && current.Generation > replaces && current.IsUsable(time.GetUtcNow(), options.ExpirySkew)) return current;

        TokenFetcher.Fetched fetched;
        try
        {
            Interlocked.Increment(ref _logins);
            fetched = await fetcher.LoginAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (UpstreamCredentialException ex)
        {
            ActorsTelemetry.TokenLogins.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            throw Backoff(ex, share: true);
        }
        ActorsTelemetry.TokenLogins.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
        lock (_gate) _failures = 0;

        var now = time.GetUtcNow();
        var next = new SharedToken(fetched.Token, Math.Max(current?.Generation ?? 0, replaces) + 1,
            fetched.ExpiresAt?.ToUnixTimeMilliseconds() ?? 0, now.ToUnixTimeMilliseconds(), nodeId);
        TimeSpan? ttl = fetched.ExpiresAt is { } at && at > now ? at - now : null;
        if (!await store.CompareAndSetAsync(_tokenKey, raw, next.ToJson(), ttl, CancellationToken.None).ConfigureAwait(false))
        {
            // Someone published meanwhile (the lock expired under a slow login): theirs is newer, keep it.
            if (await ReadAsync(CancellationToken.None).ConfigureAwait(false) is { } newer) return newer;
        }
        log.TokenLoginOk(Fingerprint.Of(next.Token), next.Generation, next.ExpiresAt == 0 ? "unknown" : DateTimeOffset.FromUnixTimeMilliseconds(next.ExpiresAt).ToString("O"));
        return next;
    }

    private UpstreamCredentialException Backoff(UpstreamCredentialException ex, bool share)
    {
        TimeSpan wait;
        lock (_gate)
        {
            _failures++;
            var factor = Math.Pow(2, Math.Min(_failures - 1, 16));
            wait = TimeSpan.FromMilliseconds(Math.Min(options.LoginBackoff.TotalMilliseconds * factor, options.LoginBackoffMax.TotalMilliseconds));
            _backoffUntil = time.GetUtcNow() + wait;
            _lastError = ex.Message;
        }
        log.TokenLoginFailed(ex.Message, (time.GetUtcNow() + wait).ToString("O"));
        if (share) _ = store.SetAsync(_backoffKey, ex.Message, wait, CancellationToken.None).AsTask();
        return ex;
    }
}
