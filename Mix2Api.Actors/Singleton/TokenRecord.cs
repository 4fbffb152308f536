using Mix2Api.Streams.Diagnostics;

namespace Mix2Api.Actors.Singleton;

/// <summary>
/// The upstream token as the <see cref="TokenManager"/> replicates it to every node. <see cref="Generation"/> grows
/// with each login and is the replicated register's timestamp, so an older token never replaces a newer one.
/// <see cref="ExpiresAt"/> null = unknown (treated as not expiring, digest §6). <see cref="Node"/> is the address
/// of the node that logged in.
/// </summary>
public sealed record TokenRecord(string Token, long Generation, DateTimeOffset? ExpiresAt, DateTimeOffset FetchedAt, string Node)
    : ITokenManagerMessage
{
    public string Fingerprint => Streams.Diagnostics.Fingerprint.Of(Token);

    /// <summary>Usable while <c>now + skew &lt; expiry</c>, or always when the expiry is unknown (digest §6).</summary>
    public bool IsUsable(DateTimeOffset now, TimeSpan skew) => ExpiresAt is not { } at || now + skew < at;

    // Records print every property; a token must never reach a log line through ToString.
    public override string ToString() => $"TokenRecord({Fingerprint}, gen {Generation})";
}
