using Mix2Api.Host.Admin;
using Mix2Api.Host.Diagnostics;

namespace Mix2Api.Host.Operations;

/// <summary>
/// Feeds every completed chat request into the rollback verdict window (channel × client, VERDICT_WINDOW_MS) and
/// the 24 h SLO window (client), and answers both views. One small lock per request; nothing on the chunk path.
/// </summary>
public sealed class RequestOutcomes
{
    private static readonly TimeSpan SloWindow = TimeSpan.FromHours(24);
    private readonly OutcomeWindow<(string Channel, string Client)> _verdict;
    private readonly OutcomeWindow<string> _slo;
    private readonly ToolLoopTracker _loops;

    public RequestOutcomes(AdminSettings settings, TimeProvider time)
    {
        var window = settings.VerdictWindow;
        _verdict = new OutcomeWindow<(string, string)>(window, TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, window.Ticks / 90)), time);
        _slo = new OutcomeWindow<string>(SloWindow, TimeSpan.FromMinutes(1), time);
        _loops = new ToolLoopTracker(time);
    }

    public static bool IsChat(RequestCompleted e) => e.Method == "POST" && e.Path is "/v1/chat/completions" or "/";

    public void Record(RequestCompleted e, string? toolLoopKey)
    {
        if (!IsChat(e)) return;
        Span<Outcome> outcomes = stackalloc Outcome[8];
        var n = 0;
        outcomes[n++] = Outcome.Requests;
        var stream = e.Stream == "true";
        if (stream) outcomes[n++] = Outcome.Streams;
        if (e.EndReason == "adapter_error") outcomes[n++] = Outcome.AdapterErrors;
        if (e.HttpStatus >= 500) outcomes[n++] = Outcome.Http5xx;
        if (stream && IsBroken(e.EndReason)) outcomes[n++] = Outcome.BrokenStreams;
        _verdict.Add((e.Channel, e.Client), outcomes[..n]);

        if (e.EndReason == "client_abort") return;
        if (IsFailure(e)) outcomes[n++] = Outcome.Failures;
        if (e.EndReason is "unknown" or "") outcomes[n++] = Outcome.Unattributed;
        if (_loops.Decide(e.SessionFingerprint, toolLoopKey, e.EndReason) is { } loop) outcomes[n++] = loop;
        _slo.Add(e.Client, outcomes[..n]);
    }

    /// <summary>A stream that ended without its normal end, not by the client's choice.</summary>
    public static bool IsBroken(string endReason) => endReason is "upstream_error" or "timeout" or "adapter_error" or "shutdown";

    /// <summary>Failed on our or the upstream's side: a 5xx, or a failing end_reason after the status was sent.</summary>
    public static bool IsFailure(RequestCompleted e)
        => e.HttpStatus >= 500 || e.EndReason is "upstream_error" or "upstream_auth_error" or "timeout" or "adapter_error" or "shutdown" or "rate_limited";

    public VerdictView Verdict()
    {
        var rows = _verdict.Sums()
            .Select(s => RolloutRules.Verdict(s.Key.Channel, s.Key.Client, s.Counts[(int)Outcome.Requests], s.Counts[(int)Outcome.Streams],
                s.Counts[(int)Outcome.AdapterErrors], s.Counts[(int)Outcome.Http5xx], s.Counts[(int)Outcome.BrokenStreams]))
            .OrderBy(r => r.Channel, StringComparer.Ordinal).ThenBy(r => r.Client, StringComparer.Ordinal)
            .ToList();
        return new VerdictView(Math.Round(_verdict.Length.TotalMinutes, 2), rows);
    }

    public SloView Slo()
    {
        var rows = _slo.Sums()
            .Where(s => s.Counts[(int)Outcome.Requests] > 0)
            .Select(s => RolloutRules.Slo(s.Key, s.Counts[(int)Outcome.Requests], s.Counts[(int)Outcome.Failures], s.Counts[(int)Outcome.Streams],
                s.Counts[(int)Outcome.BrokenStreams], s.Counts[(int)Outcome.ToolLoopsClosed], s.Counts[(int)Outcome.ToolLoopsFailed],
                s.Counts[(int)Outcome.Unattributed]))
            .OrderBy(r => r.Client, StringComparer.Ordinal)
            .ToList();
        return new SloView(SloWindow.TotalHours, rows);
    }
}
