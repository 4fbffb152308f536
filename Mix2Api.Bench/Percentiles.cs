namespace Mix2Api.Bench;

/// <summary>Nearest-rank percentiles of a sample (no interpolation: every reported value was observed).</summary>
public static class Percentiles
{
    public static double Of(IReadOnlyList<double> sample, double fraction)
    {
        if (sample.Count == 0) return double.NaN;
        var sorted = sample.Order().ToArray();
        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
