using Mix2Api.Actors.Credentials;

namespace Mix2Api.Actors.Singleton;

/// <summary>
/// This node's copy of the replicated token, read by requests without asking any actor. Fed by the
/// <see cref="TokenReplicaSubscriber"/> (DData changes) and by the singleton's replies; keeps only the newest
/// generation, so a late or reordered update never moves it back.
/// </summary>
public sealed class TokenReplica
{
    private volatile Entry? _current;

    public Entry? Current => _current;

    public void Offer(TokenRecord token)
    {
        var next = new Entry(token, new UpstreamCredential(token.Token));
        while (true)
        {
            var seen = _current;
            if (seen is not null && seen.Token.Generation >= token.Generation) return;
            if (Interlocked.CompareExchange(ref _current, next, seen) == seen) return;
        }
    }

    /// <summary>The token with the credential object requests send, built once per token.</summary>
    public sealed record Entry(TokenRecord Token, UpstreamCredential Credential);
}
