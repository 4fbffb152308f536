namespace Mix2Api.Host.Diagnostics;

/// <summary>
/// Remembers which model ids were already reported as "no profile, default used", so the warning is logged
/// once per model, not per request. First-in first-out, bounded by MODEL_PROFILE_FALLBACK_WARN_CACHE_SIZE
/// (0 warns every time): a client inventing model ids cannot grow it.
/// </summary>
public sealed class ProfileFallbackWarnings(int capacity)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>True when <paramref name="model"/> should be warned about now.</summary>
    public bool ShouldWarn(string model)
    {
        if (capacity <= 0) return true;
        lock (_gate)
        {
            if (!_seen.Add(model)) return false;
            _order.Enqueue(model);
            if (_order.Count > capacity) _seen.Remove(_order.Dequeue());
            return true;
        }
    }
}
