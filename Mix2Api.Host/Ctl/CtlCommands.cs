using System.Globalization;
using Mix2Api.Host.Admin;
using Mix2Api.Host.Operations;
using Spectre.Console;

namespace Mix2Api.Host.Ctl;

/// <summary>What each `ctl` command asks and how it prints the answer (a table, or the JSON shape with --json).</summary>
public static class CtlCommands
{
    public static async Task ClusterShowAsync(CtlContext ctl)
    {
        var view = await ctl.First.GetAsync<ClusterView>("admin/cluster", ctl.Cancellation);
        if (ctl.Json)
        {
            await ctl.WriteJsonAsync(new
            {
                members = view.Members.Select(m => new { address = m.Address, roles = m.Roles, channel = m.Channel, status = m.Status, reachable = m.Reachable }),
            });
            return;
        }
        var table = Table("address", "roles", "channel", "status", "reachable", "age", "version", "admin");
        foreach (var m in view.Members)
            table.AddRow(Cells(m.Address, string.Join(',', m.Roles), m.Channel, m.Status, m.Reachable ? "yes" : "NO", Age(m.AgeSeconds), m.Version ?? "-", m.AdminUrl ?? "-"));
        ctl.Console.Write(table);
    }

    public static async Task ClusterLeaveAsync(CtlContext ctl)
        => await PrintActionAsync(ctl, await ctl.First.PostAsync<AdminActionResult>("admin/cluster/leave", new { address = ctl.Arg(0) }, ctl.Cancellation));

    public static async Task DownUnreachableAsync(CtlContext ctl)
        => await PrintActionAsync(ctl, await ctl.First.PostAsync<AdminActionResult>("admin/cluster/down-unreachable", null, ctl.Cancellation));

    private static async Task PrintActionAsync(CtlContext ctl, AdminActionResult result)
    {
        if (ctl.Json) await ctl.WriteJsonAsync(result);
        else await ctl.Output.WriteLineAsync(result.Message);
        if (!result.Ok) throw new CtlException(result.Message);
    }

    public static async Task ShardsAsync(CtlContext ctl)
    {
        var regions = new List<ShardRegionInfo>();
        foreach (var node in ctl.Nodes) regions.AddRange((await node.GetAsync<ShardsView>("admin/shards", ctl.Cancellation)).Regions);
        if (ctl.Json)
        {
            await ctl.WriteJsonAsync(new ShardsView(regions));
            return;
        }
        var table = Table("region", "node", "shards", "entities", "busiest shards");
        foreach (var r in regions)
            table.AddRow(Cells(r.TypeName, r.Node, Num(r.Shards.Count), Num(r.Shards.Sum(s => s.Entities)),
                string.Join(' ', r.Shards.OrderByDescending(s => s.Entities).Take(5).Select(s => $"{s.Id}:{s.Entities}"))));
        ctl.Console.Write(table);
    }

    public static async Task SessionsListAsync(CtlContext ctl)
    {
        var sessions = new List<SessionInfo>();
        foreach (var node in ctl.Nodes) sessions.AddRange((await node.GetAsync<SessionsView>("admin/sessions", ctl.Cancellation)).Sessions);
        await PrintSessionsAsync(ctl, sessions);
    }

    public static async Task SessionsShowAsync(CtlContext ctl)
        => await PrintSessionsAsync(ctl, (await ctl.First.GetAsync<SessionsView>("admin/sessions/" + Uri.EscapeDataString(ctl.Arg(0)), ctl.Cancellation)).Sessions);

    private static async Task PrintSessionsAsync(CtlContext ctl, IReadOnlyList<SessionInfo> sessions)
    {
        if (ctl.Json)
        {
            await ctl.WriteJsonAsync(new SessionsView(sessions));
            return;
        }
        var table = Table("key fp", "upstream session fp", "turns", "in flight", "age", "node");
        foreach (var s in sessions)
            table.AddRow(Cells(s.KeyFp, s.UpstreamSessionFp ?? "-", Num(s.Turns), Num(s.TurnsInFlight), Age(s.AgeSeconds), s.Node));
        ctl.Console.Write(table);
    }

    public static async Task TokenShowAsync(CtlContext ctl)
        => await PrintTokenAsync(ctl, await ctl.First.GetAsync<TokenInfo>("admin/token", ctl.Cancellation));

    public static async Task TokenRefreshAsync(CtlContext ctl)
        => await PrintTokenAsync(ctl, await ctl.First.PostAsync<TokenInfo>("admin/token/refresh", null, ctl.Cancellation));

    private static async Task PrintTokenAsync(CtlContext ctl, TokenInfo token)
    {
        if (ctl.Json)
        {
            await ctl.WriteJsonAsync(token);
            return;
        }
        var table = Table("mode", "fingerprint", "expires", "singleton node", "last refresh", "generation");
        table.AddRow(Cells(token.Mode, token.Fingerprint ?? "-", Time(token.ExpiresAt), token.SingletonNode ?? "-", Time(token.LastRefresh),
            token.Generation?.ToString(CultureInfo.InvariantCulture) ?? "-"));
        ctl.Console.Write(table);
    }

    public static async Task StreamsAsync(CtlContext ctl)
    {
        var streams = new List<StreamInfo>();
        foreach (var node in ctl.Nodes) streams.AddRange((await node.GetAsync<StreamsView>("admin/streams", ctl.Cancellation)).Streams);
        if (ctl.Json)
        {
            await ctl.WriteJsonAsync(new StreamsView(streams));
            return;
        }
        var table = Table("request id", "client", "model", "age", "chunks", "phase", "node");
        foreach (var s in streams) table.AddRow(Cells(s.RequestId, s.Client, s.Model, Age(s.AgeSeconds), Num(s.Chunks), s.Phase, s.Node));
        ctl.Console.Write(table);
    }

    public static async Task VerdictAsync(CtlContext ctl)
    {
        var views = new List<VerdictView>();
        foreach (var node in await ctl.ClusterNodesAsync()) views.Add(await node.GetAsync<VerdictView>("admin/verdict", ctl.Cancellation));
        var merged = RolloutRules.Merge(views);
        if (ctl.Json)
        {
            await ctl.WriteJsonAsync(merged);
            return;
        }
        await ctl.Output.WriteLineAsync($"window: last {merged.WindowMinutes:0.#} min, {views.Count} node(s); rollback when adapter_error > "
            + $"{RolloutRules.AdapterErrorLimitPct}%, 5xx > {RolloutRules.Http5xxLimitPct}% or broken streams > {RolloutRules.BrokenStreamLimitPct}%");
        var table = Table("channel", "client", "requests", "adapter_error %", "5xx %", "broken stream %", "verdict");
        foreach (var r in merged.Rows)
            table.AddRow(Cells(r.Channel, r.Client, Num(r.Requests), Pct(r.AdapterErrorPct), Pct(r.Http5xxPct), Pct(r.BrokenStreamPct),
                r.Verdict == "rollback" ? "ROLLBACK" : "ok"));
        ctl.Console.Write(table);
    }

    public static async Task SloAsync(CtlContext ctl)
    {
        var views = new List<SloView>();
        foreach (var node in await ctl.ClusterNodesAsync()) views.Add(await node.GetAsync<SloView>("admin/slo", ctl.Cancellation));
        var merged = RolloutRules.Merge(views);
        if (ctl.Json)
        {
            await ctl.WriteJsonAsync(merged);
            return;
        }
        await ctl.Output.WriteLineAsync($"window: last {merged.WindowHours:0} h, {views.Count} node(s), client_abort excluded; met when success >= "
            + $"{RolloutRules.SloSuccessPct}%, tool loops >= {RolloutRules.SloToolLoopPct}%, broken streams <= {RolloutRules.SloBrokenStreamPct}%, "
            + $"end_reason attributed >= {RolloutRules.SloAttributionPct}%");
        var table = Table("client", "requests", "success %", "tool loop %", "broken stream %", "attributed %", "met");
        foreach (var r in merged.Rows)
            table.AddRow(Cells(r.Client, Num(r.Requests), Pct(r.SuccessPct), r.ToolLoopSuccessPct is { } l ? Pct(l) : "-", Pct(r.BrokenStreamPct),
                Pct(r.AttributionPct), r.Met ? "yes" : "NO"));
        ctl.Console.Write(table);
    }

    public static async Task TracesListAsync(CtlContext ctl)
    {
        var traces = new List<TraceSummary>();
        foreach (var node in ctl.Nodes) traces.AddRange((await node.GetAsync<TracesView>("admin/traces", ctl.Cancellation)).Traces);
        // Nodes sharing Redis list the same traces: show each once.
        var distinct = traces.DistinctBy(t => t.TraceId).OrderByDescending(t => t.CreatedAt).ToList();
        if (ctl.Json)
        {
            await ctl.WriteJsonAsync(new TracesView(distinct));
            return;
        }
        var table = Table("trace id", "created", "node", "client", "model", "stream", "end_reason", "status", "duration ms");
        foreach (var t in distinct)
            table.AddRow(Cells(t.TraceId, Time(t.CreatedAt), t.Node, t.Client, t.Model, t.Stream, t.EndReason, Num(t.HttpStatus),
                t.DurationMs.ToString("0.#", CultureInfo.InvariantCulture)));
        ctl.Console.Write(table);
    }

    public static async Task TracesShowAsync(CtlContext ctl)
    {
        var trace = await ctl.First.GetAsync<TraceSummary>("admin/traces/" + Uri.EscapeDataString(ctl.Arg(0)), ctl.Cancellation);
        if (ctl.Json)
        {
            await ctl.WriteJsonAsync(trace);
            return;
        }
        var table = Table("field", "value");
        foreach (var (name, value) in new (string, object?)[]
        {
            ("trace id", trace.TraceId), ("request id", trace.RequestId), ("created", Time(trace.CreatedAt)), ("expires", Time(trace.ExpiresAt)),
            ("node", trace.Node), ("channel", trace.Channel), ("route", $"{trace.Method} {trace.Path}"), ("client", trace.Client),
            ("model", trace.Model), ("stream", trace.Stream), ("tools present", trace.ToolsPresent), ("messages", trace.MessageCount),
            ("tools", trace.ToolCount), ("end_reason", trace.EndReason), ("http status", trace.HttpStatus), ("upstream status", trace.UpstreamStatus),
            ("duration ms", trace.DurationMs), ("ttfb ms", trace.TtfbMs), ("session fp", trace.SessionFp), ("auth fp", trace.AuthFp),
        })
            table.AddRow(Cells(name, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "-"));
        ctl.Console.Write(table);
    }

    private static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var c in columns) table.AddColumn(new TableColumn(Markup.Escape(c)));
        return table;
    }

    /// <summary>Cells as plain text: values come from the network and must never be read as Spectre markup.</summary>
    private static Text[] Cells(params string[] values) => values.Select(v => new Text(v)).ToArray();

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Pct(double p) => p.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Age(double? seconds) => seconds is not { } s ? "-"
        : s < 120 ? $"{s:0}s" : s < 7200 ? $"{s / 60:0}m" : $"{s / 3600:0.#}h";

    private static string Time(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";
}
