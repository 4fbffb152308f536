using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Mix2Api.Streams.Budget;

namespace Mix2Api.Host.Diagnostics;

/// <summary>
/// Context budget series (SPEC §8): <c>mix2api_budget_decisions_total{model, action}</c> and the histogram
/// <c>mix2api_budget_trim_ratio</c> (share of the estimated input that trimming removed). The model label is
/// the matched profile key (configured or <c>MODEL_LIST</c>), <c>other</c> for unknown models, so clients
/// cannot grow the label set.
/// </summary>
public sealed class BudgetMetrics
{
    private static readonly double[] RatioBuckets = [0.1, 0.25, 0.5, 0.75, 0.9, 1.0];

    private readonly ConcurrentDictionary<(string Model, BudgetAction Action), long[]> _decisions = new();
    private readonly long[] _ratioCounts = new long[RatioBuckets.Length + 1];
    private readonly Lock _ratioGate = new();
    private double _ratioSum;

    public void Record(BudgetDecision? decision)
    {
        if (decision is null) return;
        var counter = _decisions.GetOrAdd((decision.ProfileId ?? "other", decision.Action), static _ => new long[1]);
        Interlocked.Increment(ref counter[0]);
        if (decision.TrimRatio is not { } ratio) return;
        var bucket = Array.FindIndex(RatioBuckets, b => ratio <= b);
        lock (_ratioGate)
        {
            _ratioCounts[bucket < 0 ? RatioBuckets.Length : bucket]++;
            _ratioSum += ratio;
        }
    }

    public void Render(StringBuilder sb)
    {
        sb.Append("# TYPE mix2api_budget_decisions_total counter\n");
        foreach (var ((model, action), count) in _decisions)
            sb.Append("mix2api_budget_decisions_total{model=\"").Append(Escape(model)).Append("\",action=\"")
                .Append(action.ToWire()).Append("\"} ").Append(Interlocked.Read(ref count[0])).Append('\n');

        sb.Append("# TYPE mix2api_budget_trim_ratio histogram\n");
        lock (_ratioGate)
        {
            long cumulative = 0;
            for (var i = 0; i < RatioBuckets.Length; i++)
            {
                cumulative += _ratioCounts[i];
                sb.Append("mix2api_budget_trim_ratio_bucket{le=\"").Append(RatioBuckets[i].ToString(CultureInfo.InvariantCulture))
                    .Append("\"} ").Append(cumulative).Append('\n');
            }
            cumulative += _ratioCounts[^1];
            sb.Append("mix2api_budget_trim_ratio_bucket{le=\"+Inf\"} ").Append(cumulative).Append('\n');
            sb.Append("mix2api_budget_trim_ratio_sum ").Append(_ratioSum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("mix2api_budget_trim_ratio_count ").Append(cumulative).Append('\n');
        }
    }

    private static string Escape(string value)
        => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);
}
