using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Mix2Api.Host.Gate;

/// <summary>
/// <c>gate --url &lt;node&gt; --key &lt;inbound key&gt;</c>: runs the release gate against a live node, prints a table (or
/// JSON) and exits 1 when any check failed (2 when the node cannot be asked at all).
/// </summary>
public static class GateApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var url = new Option<string>("--url") { Description = "the node's chat URL, e.g. http://127.0.0.1:3001", Required = true };
        var key = new Option<string?>("--key") { Description = "an inbound key (default: the GATE_KEY environment variable)" };
        var model = new Option<string?>("--model") { Description = "model id (default: the first of GET /v1/models)" };
        var json = new Option<bool>("--json") { Description = "print JSON instead of a table" };
        var simulator = new Option<bool>("--simulator")
        {
            Description = "the node's upstream is the simulator (detected when it is the node's built-in one): ask with its directives",
        };
        var timeout = new Option<int>("--timeout") { Description = "seconds per request (default 60)", DefaultValueFactory = _ => 60 };
        var root = new RootCommand("Release gate: packs A (stream), B (tool loop), C (cancel/timeout/errors) against a live node.") { url, key, model, json, simulator, timeout };
        root.SetAction(async (parse, ct) =>
        {
            var apiKey = parse.GetValue(key) is { Length: > 0 } k ? k : Environment.GetEnvironmentVariable("GATE_KEY");
            if (!Uri.TryCreate(parse.GetValue(url)!.TrimEnd('/') + "/", UriKind.Absolute, out var node) || node.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync($"gate: --url '{parse.GetValue(url)}' is not an http(s) URL");
                return 2;
            }
            if (apiKey is null)
            {
                await error.WriteLineAsync("gate: --key (or GATE_KEY) is required: one of the node's INBOUND_BEARER_TOKENS");
                return 2;
            }
            var perRequest = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeout)));
            GatePrompts prompts;
            string modelId;
            try
            {
                (prompts, modelId) = await ProbeAsync(node, apiKey, parse.GetValue(model), parse.GetValue(simulator), perRequest, ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
            {
                await error.WriteLineAsync($"gate: cannot ask {node}: {ex.Message.Split('\n')[0]}");
                return 2;
            }
            var checks = await new ReleaseGate(node, apiKey, modelId, prompts, perRequest).RunAsync(ct);
            var failed = checks.Count(c => !c.Passed);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    node = node.ToString(), model = modelId, passed = failed == 0,
                    checks = checks.Select(c => new { pack = c.Pack, name = c.Name, passed = c.Passed, ms = Math.Round(c.Milliseconds), detail = c.Detail }),
                }));
            }
            else
            {
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
                console.Profile.Width = 180;
                var table = new Table().Border(TableBorder.Rounded).AddColumns("pack", "check", "result", "ms", "detail");
                foreach (var c in checks)
                    table.AddRow(new Text(c.Pack), new Text(c.Name), new Text(c.Passed ? "pass" : "FAIL"),
                        new Text(c.Milliseconds.ToString("0", CultureInfo.InvariantCulture)), new Text(c.Detail));
                console.Write(table);
                await output.WriteLineAsync(failed == 0 ? $"gate: all {checks.Count} checks passed against {node} ({modelId})"
                    : $"gate: {failed} of {checks.Count} checks FAILED against {node} ({modelId})");
            }
            return failed == 0 ? 0 : 1;
        });
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }

    /// <summary>The model to use and whether the node runs the built-in simulator (then the prompts carry its directives).</summary>
    private static async Task<(GatePrompts, string)> ProbeAsync(Uri node, string key, string? model, bool simulator, TimeSpan timeout,
        CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = node, Timeout = timeout };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var health = JsonDocument.Parse(await http.GetStringAsync("health", ct));
        simulator |= health.RootElement.TryGetProperty("upstream", out var upstream) && upstream.TryGetProperty("mode", out var mode)
            && mode.GetString() == "simulator";
        if (model is null)
        {
            using var models = JsonDocument.Parse(await http.GetStringAsync("v1/models", ct));
            model = models.RootElement.GetProperty("data")[0].GetProperty("id").GetString()
                ?? throw new InvalidOperationException("GET /v1/models listed no model");
        }
        return (simulator ? GatePrompts.Simulator : GatePrompts.Real, model);
    }
}
