namespace Mix2Api.Actors.Singleton;

/// <summary>
/// When the <see cref="TokenManager"/> logs in again ahead of expiry: at <c>expiry − 2 × skew</c> (so a renewal
/// that needs a retry still finishes while the old token is usable), but never before half the token's lifetime
/// has passed and never sooner than <see cref="MinimumDelay"/> (a short-lived or already expired token must not
/// turn into a login loop). Unknown expiry: no renewal.
/// </summary>
public static class RenewalSchedule
{
    public static readonly TimeSpan MinimumDelay = TimeSpan.FromSeconds(1);

    public static DateTimeOffset? RenewAt(TokenRecord token, TimeSpan skew)
    {
        if (token.ExpiresAt is not { } expiresAt) return null;
        var ahead = expiresAt - skew - skew;
        var halfLife = token.FetchedAt + (expiresAt - token.FetchedAt) / 2;
        var at = ahead > halfLife ? ahead : halfLife;
        var earliest = token.FetchedAt + MinimumDelay;
        return at > earliest ? at : earliest;
    }

    /// <summary>How long to wait from <paramref name="now"/> until the renewal; null = never.</summary>
    public static TimeSpan? DelayFrom(TokenRecord token, TimeSpan skew, DateTimeOffset now)
        => RenewAt(token, skew) is { } at ? (at > now ? at - now : TimeSpan.Zero) : null;
}
