using Mix2Api.Streams.Budget;
using Prometheus;

namespace Mix2Api.Host.Diagnostics;

/// <summary>
/// Context budget series (SPEC §8): <c>mix2api_budget_decisions_total{model, action}</c> and the histogram
/// <c>mix2api_budget_trim_ratio</c> (share of the estimated input that trimming removed). The model label is
/// the matched profile key (configured or <c>MODEL_LIST</c>), <c>other</c> for unknown models, so clients
/// cannot grow the label set.
/// </summary>
public sealed class BudgetMetrics(IMetricFactory factory)
{
    private readonly Counter _decisions = factory.CreateCounter("mix2api_budget_decisions_total",
        "Context budget decisions by model profile and action (pass, trim, clamp, reject).", ["model", "action"]);

    private readonly Histogram _trimRatio = factory.CreateHistogram("mix2api_budget_trim_ratio",
        "Share of the estimated input that trimming removed.",
        new HistogramConfiguration { Buckets = [0.1, 0.25, 0.5, 0.75, 0.9, 1.0] });

    public void Record(BudgetDecision? decision)
    {
        if (decision is null) return;
        _decisions.WithLabels(decision.ProfileId ?? "other", decision.Action.ToWire()).Inc();
        if (decision.TrimRatio is { } ratio) _trimRatio.Observe(ratio);
    }
}
