using Mix2Api.Host.Admin;

namespace Mix2Api.Host.Operations;

/// <summary>
/// The seeds' release rules as pure functions of counts: the rollback verdict (per channel × client over
/// VERDICT_WINDOW_MS) and the MVP SLO (per client over 24 h, client_abort excluded). Rows from several nodes are
/// merged by adding their counts, then judged again.
/// </summary>
public static class RolloutRules
{
    public const double AdapterErrorLimitPct = 0.5;
    public const double Http5xxLimitPct = 1.0;
    public const double BrokenStreamLimitPct = 1.0;

    public const double SloSuccessPct = 99.0;
    public const double SloToolLoopPct = 97.0;
    public const double SloBrokenStreamPct = 0.5;
    public const double SloAttributionPct = 99.0;

    public static VerdictRow Verdict(string channel, string client, long requests, long streams, long adapterErrors, long http5xx, long brokenStreams)
    {
        var adapter = Pct(adapterErrors, requests);
        var fivexx = Pct(http5xx, requests);
        var broken = Pct(brokenStreams, streams);
        var rollback = adapter > AdapterErrorLimitPct || fivexx > Http5xxLimitPct || broken > BrokenStreamLimitPct;
        return new VerdictRow(channel, client, requests, Round(adapter), Round(fivexx), Round(broken), rollback ? "rollback" : "ok",
            streams, adapterErrors, http5xx, brokenStreams);
    }

    public static SloRow Slo(string client, long requests, long failures, long streams, long brokenStreams, long loopsClosed,
        long loopsFailed, long unattributed)
    {
        var success = requests == 0 ? 100 : 100 - Pct(failures, requests);
        double? loops = loopsClosed + loopsFailed == 0 ? null : Pct(loopsClosed, loopsClosed + loopsFailed);
        var broken = Pct(brokenStreams, streams);
        var attribution = requests == 0 ? 100 : 100 - Pct(unattributed, requests);
        var met = success >= SloSuccessPct && (loops is null || loops >= SloToolLoopPct) && broken <= SloBrokenStreamPct
            && attribution >= SloAttributionPct;
        return new SloRow(client, requests, Round(success), loops is { } l ? Round(l) : null, Round(broken), Round(attribution), met,
            failures, streams, brokenStreams, loopsClosed, loopsFailed, unattributed);
    }

    /// <summary>Adds the rows of several nodes per channel × client and judges the sums.</summary>
    public static VerdictView Merge(IEnumerable<VerdictView> views)
    {
        var list = views.ToList();
        var rows = list.SelectMany(v => v.Rows)
            .GroupBy(r => (r.Channel, r.Client))
            .Select(g => Verdict(g.Key.Channel, g.Key.Client, g.Sum(r => r.Requests), g.Sum(r => r.Streams), g.Sum(r => r.AdapterErrors),
                g.Sum(r => r.Http5xx), g.Sum(r => r.BrokenStreams)))
            .OrderBy(r => r.Channel, StringComparer.Ordinal).ThenBy(r => r.Client, StringComparer.Ordinal)
            .ToList();
        return new VerdictView(list.Count == 0 ? 0 : list.Max(v => v.WindowMinutes), rows);
    }

    /// <summary>Adds the rows of several nodes per client and judges the sums.</summary>
    public static SloView Merge(IEnumerable<SloView> views)
    {
        var list = views.ToList();
        var rows = list.SelectMany(v => v.Rows)
            .GroupBy(r => r.Client)
            .Select(g => Slo(g.Key, g.Sum(r => r.Requests), g.Sum(r => r.Failures), g.Sum(r => r.Streams), g.Sum(r => r.BrokenStreams),
                g.Sum(r => r.ToolLoopsClosed), g.Sum(r => r.ToolLoopsFailed), g.Sum(r => r.Unattributed)))
            .OrderBy(r => r.Client, StringComparer.Ordinal)
            .ToList();
        return new SloView(list.Count == 0 ? 24 : list.Max(v => v.WindowHours), rows);
    }

    private static double Pct(long part, long whole) => whole == 0 ? 0 : 100.0 * part / whole;

    private static double Round(double pct) => Math.Round(pct, 3);
}
