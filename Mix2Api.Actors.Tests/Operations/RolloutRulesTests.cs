using System.Net;
using Microsoft.Extensions.Time.Testing;
using Mix2Api.Host.Admin;
using Mix2Api.Host.Diagnostics;
using Mix2Api.Host.Operations;

namespace Mix2Api.Tests.Operations;

/// <summary>The seeds' rollback rule and MVP SLO: thresholds, windows (on an injected clock) and cluster-wide merging.</summary>
public sealed class RolloutRulesTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private RequestOutcomes Outcomes(int windowMinutes = 15)
        => new(new AdminSettings(IPAddress.Loopback, 0, null, TimeSpan.FromMinutes(windowMinutes)), _time);

    private static RequestCompleted Request(string endReason, int status = 200, bool stream = true, string client = "opencode",
        string channel = "canary", string session = "s1", string path = "/v1/chat/completions")
        => new("req", "POST", path, status, 10, 5, client, stream ? "true" : "false", "false", "m", endReason, "x", "200", session, null, null,
            "node-a", channel);

    private static void Add(RequestOutcomes outcomes, int count, RequestCompleted request, string? loopKey = null)
    {
        for (var i = 0; i < count; i++) outcomes.Record(request, loopKey);
    }

    [Theory]
    [InlineData(1, 200, "ok")]        // 0.5 % adapter_error is not above the limit
    [InlineData(2, 200, "rollback")]  // 1 %
    [InlineData(1, 199, "rollback")]  // 0.5025 %
    public void Adapter_errors_above_half_a_percent_roll_back(int errors, int total, string expected)
    {
        var outcomes = Outcomes();
        Add(outcomes, total - errors, Request("stop", stream: false));
        Add(outcomes, errors, Request("adapter_error", 200, stream: false)); // after the first byte: a 200 that failed
        var row = Assert.Single(outcomes.Verdict().Rows);
        Assert.Equal(expected, row.Verdict);
        Assert.Equal(total, row.Requests);
        Assert.Equal(0, row.Http5xxPct);
    }

    [Fact]
    public void Five_xx_above_one_percent_rolls_back_and_one_percent_does_not()
    {
        var outcomes = Outcomes();
        Add(outcomes, 99, Request("stop", stream: false));
        Add(outcomes, 1, Request("upstream_error", 502, stream: false));
        Assert.Equal(("ok", 1.0), (outcomes.Verdict().Rows[0].Verdict, outcomes.Verdict().Rows[0].Http5xxPct));
        Add(outcomes, 1, Request("upstream_error", 502, stream: false));
        Assert.Equal("rollback", outcomes.Verdict().Rows[0].Verdict);
    }

    [Fact]
    public void Broken_streams_count_per_stream_and_client_aborts_never_break_one()
    {
        var outcomes = Outcomes();
        Add(outcomes, 100, Request("stop"));
        Add(outcomes, 50, Request("client_abort"));
        Add(outcomes, 1, Request("timeout"));
        var row = outcomes.Verdict().Rows[0];
        Assert.Equal(151, row.Requests);
        Assert.Equal(Math.Round(100.0 / 151, 3), row.BrokenStreamPct);
        Assert.Equal("ok", row.Verdict);
        Add(outcomes, 1, Request("upstream_error"));
        Assert.Equal("rollback", outcomes.Verdict().Rows[0].Verdict);
    }

    [Fact]
    public void Rows_are_per_channel_and_client_and_only_chat_requests_count()
    {
        var outcomes = Outcomes();
        outcomes.Record(Request("stop", channel: "stable"), null);
        outcomes.Record(Request("adapter_error", 500, channel: "canary", client: "claude-code"), null);
        outcomes.Record(Request("invalid_request", 404, path: "/nope"), null);
        var rows = outcomes.Verdict().Rows;
        Assert.Equal([("canary", "claude-code", "rollback"), ("stable", "opencode", "ok")], rows.Select(r => (r.Channel, r.Client, r.Verdict)));
    }

    [Fact]
    public void The_verdict_window_slides()
    {
        var outcomes = Outcomes(windowMinutes: 15);
        outcomes.Record(Request("adapter_error", 500), null);
        _time.Advance(TimeSpan.FromMinutes(10));
        Add(outcomes, 10, Request("stop"));
        Assert.Equal(("rollback", 11L), (outcomes.Verdict().Rows[0].Verdict, outcomes.Verdict().Rows[0].Requests));
        _time.Advance(TimeSpan.FromMinutes(6)); // the error is now 16 minutes old
        Assert.Equal(("ok", 10L), (outcomes.Verdict().Rows[0].Verdict, outcomes.Verdict().Rows[0].Requests));
        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.Empty(outcomes.Verdict().Rows);
        Assert.Equal(15, outcomes.Verdict().WindowMinutes);
    }

    [Fact]
    public void Slo_excludes_client_aborts_and_holds_for_24_hours()
    {
        var outcomes = Outcomes();
        Add(outcomes, 990, Request("stop"));
        Add(outcomes, 10, Request("upstream_error", 502, stream: false));
        Add(outcomes, 500, Request("client_abort"));
        var row = Assert.Single(outcomes.Slo().Rows);
        Assert.Equal((1000L, 99.0, true), (row.Requests, row.SuccessPct, row.Met));
        outcomes.Record(Request("timeout", 504, stream: false), null);
        Assert.False(outcomes.Slo().Rows[0].Met); // 98.9 %

        _time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(1001, outcomes.Slo().Rows[0].Requests);
        _time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        Assert.Empty(outcomes.Slo().Rows);
    }

    [Fact]
    public void Slo_broken_streams_above_half_a_percent_miss_it()
    {
        var outcomes = Outcomes();
        Add(outcomes, 995, Request("stop"));
        Add(outcomes, 5, Request("stop", stream: false));
        Add(outcomes, 5, Request("upstream_error")); // 5 of 1000 streams broken, and 5 failures of 1005
        var row = outcomes.Slo().Rows[0];
        Assert.Equal(0.5, row.BrokenStreamPct);
        Assert.True(row.Met);
        outcomes.Record(Request("shutdown"), null);
        Assert.False(outcomes.Slo().Rows[0].Met);
    }

    [Fact]
    public void Tool_loops_count_once_per_session_and_call_ids()
    {
        var outcomes = Outcomes();
        for (var i = 0; i < 97; i++) outcomes.Record(Request("stop", session: $"s{i}"), toolLoopKey: "calls-1");
        // A failed step, retried by the client with the same call ids: one loop, counted at its first decisive end.
        outcomes.Record(Request("upstream_error", session: "s-fail"), toolLoopKey: "calls-1");
        outcomes.Record(Request("stop", session: "s-fail"), toolLoopKey: "calls-1");
        outcomes.Record(Request("timeout", session: "s-fail2"), toolLoopKey: "calls-2");
        outcomes.Record(Request("timeout", session: "s-fail3"), toolLoopKey: "calls-3");
        // Asking for more tools keeps the loop open; a client abort is excluded; no tool results, no loop.
        outcomes.Record(Request("tool_calls", session: "s-open"), toolLoopKey: "calls-4");
        outcomes.Record(Request("client_abort", session: "s-gone"), toolLoopKey: "calls-5");
        outcomes.Record(Request("stop", session: "s-plain"), toolLoopKey: null);
        var row = outcomes.Slo().Rows[0];
        Assert.Equal((97L, 3L), (row.ToolLoopsClosed, row.ToolLoopsFailed));
        Assert.Equal(97.0, row.ToolLoopSuccessPct);
        outcomes.Record(Request("adapter_error", session: "s-fail4"), toolLoopKey: "calls-6");
        Assert.True(outcomes.Slo().Rows[0].ToolLoopSuccessPct < 97);
        Assert.False(outcomes.Slo().Rows[0].Met);
    }

    [Fact]
    public void Unknown_end_reasons_break_attribution()
    {
        var outcomes = Outcomes();
        Add(outcomes, 99, Request("stop"));
        outcomes.Record(Request("unknown"), null);
        Assert.Equal((99.0, true), (outcomes.Slo().Rows[0].AttributionPct, outcomes.Slo().Rows[0].Met));
        outcomes.Record(Request("unknown"), null);
        Assert.False(outcomes.Slo().Rows[0].Met);
    }

    [Fact]
    public void Nodes_rows_merge_by_adding_counts_then_judging_again()
    {
        var a = new VerdictView(15, [RolloutRules.Verdict("canary", "opencode", 100, 100, 0, 0, 0)]);
        var b = new VerdictView(15, [RolloutRules.Verdict("canary", "opencode", 100, 50, 0, 0, 3), RolloutRules.Verdict("stable", "opencode", 10, 0, 0, 0, 0)]);
        Assert.Equal("rollback", b.Rows[0].Verdict); // 6 % alone
        var merged = RolloutRules.Merge([a, b]);
        var canary = merged.Rows.Single(r => r.Channel == "canary");
        Assert.Equal((200L, 150L, 2.0, "rollback"), (canary.Requests, canary.Streams, canary.BrokenStreamPct, canary.Verdict));
        Assert.Equal(2, merged.Rows.Count);

        var slo = RolloutRules.Merge([
            new SloView(24, [RolloutRules.Slo("opencode", 100, 2, 0, 0, 0, 0, 0)]),
            new SloView(24, [RolloutRules.Slo("opencode", 100, 0, 0, 0, 0, 0, 0)])]);
        Assert.Equal((200L, 99.0, true), (slo.Rows[0].Requests, slo.Rows[0].SuccessPct, slo.Rows[0].Met));
    }
}
