using Akka.Actor;
using Microsoft.Extensions.Logging;
using Mix2Api.Actors.Diagnostics;
using Mix2Api.Actors.Singleton;

namespace Mix2Api.Actors.Credentials;

/// <summary>
/// <see cref="ICredentialProvider"/> for UPSTREAM_AUTH_MODE=managed, one per node. A request reads this node's
/// replica of the token (no actor on the hot path); only when no usable token is known yet does it ask the
/// <see cref="TokenManager"/> singleton through its proxy, bounded by <see cref="TokenOptions.AskTimeout"/>.
/// Recovery after a rejection asks the singleton for its forced, cluster-wide single-flight refresh.
/// Every failure is an <see cref="UpstreamCredentialException"/> (502 upstream_auth_error).
/// </summary>
public sealed class ManagedCredentialProvider(
    TokenReplica replica,
    Func<CancellationToken, Task<IActorRef>> manager,
    TokenOptions options,
    TimeProvider time,
    ILogger<ManagedCredentialProvider> log) : ICredentialProvider
{
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(1);

    public string Mode => "managed";

    /// <summary>This node's replica (for health: which token this node would send).</summary>
    public TokenReplica Replica => replica;

    public ValueTask<UpstreamCredential> GetAsync(string? inboundBearer, CancellationToken cancellationToken)
    {
        if (replica.Current is { } known && known.Token.IsUsable(time.GetUtcNow(), options.ExpirySkew))
            return ValueTask.FromResult(known.Credential);
        return new ValueTask<UpstreamCredential>(AskAsync(GetToken.Instance, cancellationToken));
    }

    public async ValueTask<UpstreamCredential?> RecoverAsync(UpstreamCredential rejected, CancellationToken cancellationToken)
    {
        try
        {
            var fresh = await AskAsync(new RefreshAfterRejection(rejected.Fingerprint), cancellationToken).ConfigureAwait(false);
            ActorsTelemetry.TokenRecoveries.Add(1, new KeyValuePair<string, object?>("result", "ok"));
            log.TokenRecovered(rejected.Fingerprint, "ok", fresh.Fingerprint);
            return fresh;
        }
        catch (UpstreamCredentialException)
        {
            ActorsTelemetry.TokenRecoveries.Add(1, new KeyValuePair<string, object?>("result", "failed"));
            log.TokenRecovered(rejected.Fingerprint, "failed", "none");
            throw;
        }
    }

    /// <summary>The singleton's status, or null when it does not answer within a second (hand-over, no cluster yet).</summary>
    public async Task<TokenStatus?> StatusAsync(CancellationToken cancellationToken)
    {
        try
        {
            var singleton = await manager(cancellationToken).WaitAsync(StatusTimeout, time, cancellationToken).ConfigureAwait(false);
            return await singleton.Ask<TokenStatus>(GetTokenStatus.Instance, StatusTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AskTimeoutException or TimeoutException or OperationCanceledException)
        {
            return null;
        }
    }

    private async Task<UpstreamCredential> AskAsync(ITokenManagerMessage question, CancellationToken cancellationToken)
    {
        object reply;
        try
        {
            var singleton = await manager(cancellationToken).WaitAsync(options.AskTimeout, time, cancellationToken).ConfigureAwait(false);
            reply = await singleton.Ask<object>(question, options.AskTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AskTimeoutException or TimeoutException)
        {
            throw new UpstreamCredentialException($"Managed upstream token manager did not answer within {options.AskTimeout.TotalMilliseconds:0} ms", ex);
        }
        switch (reply)
        {
            case TokenIssued issued:
                replica.Offer(issued.Token);
                // The replica keeps the newest generation; prefer it, it is what every other request on this node sends.
                return replica.Current is { } entry && entry.Token.Generation >= issued.Token.Generation
                    ? entry.Credential
                    : new UpstreamCredential(issued.Token.Token);
            case TokenUnavailable unavailable:
                throw new UpstreamCredentialException(unavailable.Reason);
            default:
                throw new UpstreamCredentialException($"Managed upstream token manager answered {reply.GetType().Name}");
        }
    }
}
