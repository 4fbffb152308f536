namespace Mix2Api.Actors.Singleton;

/// <summary>
/// The wait after failed logins: TOKEN_LOGIN_BACKOFF_MS after the first failure, doubling with each further one
/// up to TOKEN_LOGIN_BACKOFF_MAX_MS; a successful login resets it. Immutable: each failure returns the next state.
/// </summary>
public readonly record struct LoginBackoff(int Failures, DateTimeOffset Until)
{
    public static readonly LoginBackoff None = default;

    public bool IsActive(DateTimeOffset now) => Failures > 0 && now < Until;

    public LoginBackoff Failed(DateTimeOffset now, TimeSpan initial, TimeSpan max)
    {
        var failures = Failures + 1;
        return new LoginBackoff(failures, now + Delay(failures, initial, max));
    }

    /// <summary>The wait after the <paramref name="failures"/>-th consecutive failure.</summary>
    public static TimeSpan Delay(int failures, TimeSpan initial, TimeSpan max)
    {
        if (failures <= 0) return TimeSpan.Zero;
        // 2^20 × any sane initial is far above any sane max; the cap keeps the shift from overflowing.
        var factor = 1L << Math.Min(failures - 1, 20);
        var ticks = initial.Ticks > max.Ticks / factor ? max.Ticks : initial.Ticks * factor;
        return TimeSpan.FromTicks(Math.Min(ticks, max.Ticks));
    }
}
