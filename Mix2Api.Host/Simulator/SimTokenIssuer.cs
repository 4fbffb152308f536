using System.Collections.Concurrent;

namespace Mix2Api.Host.Simulator;

/// <summary>Issues <c>sim-token-&lt;n&gt;</c> tokens and checks bearers for the simulated chat route.</summary>
internal sealed class SimTokenIssuer(TimeProvider time, TimeSpan lifetime)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _valid = new(StringComparer.Ordinal);
    private readonly object _failLock = new();
    private int _failNext;
    private TokenFailure _failNextKind;
    private int _issued;
    private int _logins;

    public TimeSpan Lifetime { get; set; } = lifetime;

    public TokenFailure AlwaysFail { get; set; }

    public int Logins => Volatile.Read(ref _logins);

    public int Issued => Volatile.Read(ref _issued);

    public void FailNext(int count, TokenFailure kind)
    {
        lock (_failLock)
        {
            _failNext = count;
            _failNextKind = kind;
        }
    }

    /// <summary>Counts a login and returns either a new token or the failure to simulate.</summary>
    public (string? Token, TokenFailure Failure) Login()
    {
        Interlocked.Increment(ref _logins);
        var failure = AlwaysFail;
        lock (_failLock)
        {
            if (failure == TokenFailure.None && _failNext > 0)
            {
                _failNext--;
                failure = _failNextKind;
            }
        }
        if (failure != TokenFailure.None) return (null, failure);
        var token = "sim-token-" + Interlocked.Increment(ref _issued).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _valid[token] = time.GetUtcNow() + Lifetime;
        return (token, TokenFailure.None);
    }

    public bool IsValid(string? token) =>
        token is not null && _valid.TryGetValue(token, out var expires) && time.GetUtcNow() < expires;

    public void RevokeAll() => _valid.Clear();

    public void Revoke(string token) => _valid.TryRemove(token, out _);
}
