namespace Mix2Api.Actors.Hosting;

/// <summary>
/// Asks a probe until it answers yes or the wait is over, pausing between answers. The session region answers
/// "no regions yet" at once while its coordinator is unknown (seeds down, coordinator still recovering), so
/// without the pause start-up spun a core on asks for the whole wait, competing with the JIT and the coordinator
/// it was waiting for.
/// </summary>
internal static class ProbeLoop
{
    /// <summary>The pause between answers: start-up readiness is this much later at worst.</summary>
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    /// <returns>True once the probe said yes; false when <paramref name="wait"/> passed first.</returns>
    public static async Task<bool> UntilAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan wait, TimeSpan pause,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            if (await probe(cancellationToken).ConfigureAwait(false)) return true;
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero) return false;
            await Task.Delay(left < pause ? left : pause, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
