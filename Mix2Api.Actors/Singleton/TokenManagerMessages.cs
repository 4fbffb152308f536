namespace Mix2Api.Actors.Singleton;

/// <summary>
/// Every message of the token manager protocol, including replies and the replicated <see cref="TokenRecord"/>:
/// the marker the remote serializer binding names (these cross nodes through the singleton proxy and DData).
/// </summary>
public interface ITokenManagerMessage : Protocol.IMix2ApiMessage;

/// <summary>A usable token: the current one, or one login shared by everyone asking while none is usable.</summary>
public sealed record GetToken : ITokenManagerMessage
{
    public static readonly GetToken Instance = new();
    private GetToken() { }
}

/// <summary>
/// The upstream rejected the token with this fingerprint (401/403 or an auth-error payload). If the current token
/// already differs, the reply is the current one; otherwise one forced login, shared by every rejection that
/// arrives while it runs, anywhere in the cluster.
/// </summary>
public sealed record RefreshAfterRejection(string RejectedFingerprint) : ITokenManagerMessage;

/// <summary>Reply to <see cref="GetToken"/> and <see cref="RefreshAfterRejection"/>.</summary>
public sealed record TokenIssued(TokenRecord Token) : ITokenManagerMessage;

/// <summary>Reply when no token can be had (login failed, or backing off after a failure). The reason holds no secret.</summary>
public sealed record TokenUnavailable(string Reason) : ITokenManagerMessage;

/// <summary>For <c>/health</c> and admin views: answered with <see cref="TokenStatus"/>.</summary>
public sealed record GetTokenStatus : ITokenManagerMessage
{
    public static readonly GetTokenStatus Instance = new();
    private GetTokenStatus() { }
}

/// <summary>
/// The singleton's view: the node it runs on, the current token (fingerprint only), its expiry (null = unknown),
/// when it was fetched, the logins this incarnation attempted, and the backoff after a failed login.
/// </summary>
public sealed record TokenStatus(
    string SingletonNode,
    string? Fingerprint,
    long Generation,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastRefresh,
    bool LoggingIn,
    int LoginAttempts,
    string? LastError,
    DateTimeOffset? BackoffUntil) : ITokenManagerMessage;

/// <summary>Self: a login finished (piped back; the login never runs inside a handler).</summary>
internal sealed record LoginSucceeded(TokenFetcher.Fetched Fetched);

/// <summary>Self: a login failed; <see cref="Reason"/> holds no secret.</summary>
internal sealed record LoginFailed(string Reason);

/// <summary>Self (timer): time to renew ahead of expiry, or to retry after a login backoff ran out.</summary>
internal sealed record RenewDue
{
    public static readonly RenewDue Instance = new();
    private RenewDue() { }
}
