using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mix2Api.Host.Diagnostics;
using Mix2Api.Streams.Anthropic;
using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Tools;
using Mix2Api.Tests.Support;
using Xunit.Abstractions;

namespace Mix2Api.Tests.Anthropic;

/// <summary>
/// The real Claude Code CLI (<c>claude -p</c>) pointed at Mix2Api, as the acceptance suite runs it: a plain
/// answer, and a task that needs its Read tool, with the simulator scripted from the last user text. First,
/// what the CLI really sends is captured and logged, and must parse.
/// </summary>
[Collection(nameof(ClaudeCodeCliTests))]
public sealed class ClaudeCodeCliTests(ITestOutputHelper output) : IAsyncLifetime
{
    private BrokerHost _broker = null!;
    private readonly ConcurrentQueue<RequestCompleted> _completed = new();
    private DirectoryInfo _work = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerHost.StartAsync();
        _broker.Services.GetRequiredService<RequestReporter>().Completed += _completed.Enqueue;
        _work = Directory.CreateTempSubdirectory("mix2api-claude-work-");
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _work.Delete(recursive: true);
    }

    private List<RequestCompleted> Messages() => _completed.Where(c => c.Path == "/v1/messages").ToList();

    [Fact]
    public async Task What_the_cli_sends_is_logged_and_parses_into_a_tool_request()
    {
        var captured = new ConcurrentQueue<(string PathAndQuery, IHeaderDictionary Headers, byte[] Body)>();
        await using var capture = await StartCaptureServerAsync(captured);

        var result = await ClaudeCodeCli.PrintAsync(capture.Url, "capture-key", "say hi", _work.FullName);

        Assert.True(result.ExitCode == 0, $"claude exited {result.ExitCode}: {result.Stderr}");
        Assert.Contains("Captured.", result.Stdout);
        Assert.True(captured.TryPeek(out var first));
        var (pathAndQuery, headers, body) = first;
        output.WriteLine(Shape(pathAndQuery, headers, body));

        Assert.Equal("/v1/messages?beta=true", pathAndQuery);
        Assert.Equal("capture-key", headers["x-api-key"].ToString());
        Assert.StartsWith("claude-cli/" + ClaudeCodeCli.Version, headers.UserAgent.ToString());
        Assert.True(AnthropicRequestParser.TryParse(body, out var request, out var error), error?.Message);
        Assert.True(request!.Stream);
        Assert.Equal(ChatRole.System, request.Messages[0].Role);
        Assert.Contains(request.Messages, m => m.Role == ChatRole.User && m.Text.EndsWith("say hi", StringComparison.Ordinal));
        Assert.True(ToolPlan.TryCreate(request, new ToolOptions(), out var plan, out var toolError), toolError?.Message);
        Assert.Contains("Read", plan!.Tools.Select(t => t.Name));
        Assert.Contains("Bash", plan.Tools.Select(t => t.Name));
        Assert.True(plan.Active);
    }

    [Fact]
    public async Task Claude_code_gets_a_plain_answer_through_mix2api()
    {
        var result = await ClaudeCodeCli.PrintAsync(_broker.BaseUrl, BrokerHost.InboundToken,
            "say hi [[sim:short text=\"Hello from Mix2Api.\"]]", _work.FullName);

        Assert.True(result.ExitCode == 0, $"claude exited {result.ExitCode}: {result.Stderr}{result.Stdout}");
        Assert.Equal("Hello from Mix2Api.", result.Stdout.Trim());
        var request = Assert.Single(Messages());
        Assert.Equal(("anthropic", "claude-code", "true", "stop", 200), (request.Api, request.Client, request.Stream, request.EndReason, request.HttpStatus));
        Assert.Equal("true", request.ToolsPresent);
    }

    [Fact]
    public async Task Claude_code_runs_its_read_tool_through_mix2api_and_answers_from_the_file()
    {
        var notes = Path.Combine(_work.FullName, "notes.txt");
        await File.WriteAllTextAsync(notes, "The secret word is pineapple.\n");
        var prompt = "Read notes.txt and tell me the secret word. [[sim:tool name=Read args="
            + JsonSerializer.Serialize(new { file_path = notes }) + " final=\"The file says: {result}\"]]";

        var result = await ClaudeCodeCli.PrintAsync(_broker.BaseUrl, BrokerHost.InboundToken, prompt, _work.FullName);

        Assert.True(result.ExitCode == 0, $"claude exited {result.ExitCode}: {result.Stderr}{result.Stdout}");
        Assert.Contains("The file says:", result.Stdout);
        Assert.Contains("The secret word is pineapple.", result.Stdout);
        var requests = Messages();
        Assert.Equal(["tool_calls", "stop"], requests.Select(r => r.EndReason));
        Assert.All(requests, r => Assert.Equal(("anthropic", "claude-code"), (r.Api, r.Client)));
        // The second turn carried the Read result to the upstream, labelled with the tool's name.
        var query = _broker.Simulator.Simulator.ChatRequests[^1].Body!.Value.GetProperty("request").GetProperty("query").GetString();
        Assert.Matches("工具 Read（tool_call_id=toolu_[0-9A-Za-z]+）输出：", query);
        Assert.Contains("pineapple", query);
    }

    /// <summary>Names and kinds only: the prompt texts are Claude Code's, not ours to print.</summary>
    private static string Shape(string pathAndQuery, IHeaderDictionary headers, byte[] body)
    {
        var root = JsonDocument.Parse(body).RootElement;
        var text = new StringBuilder();
        text.Append("POST ").Append(pathAndQuery).Append('\n');
        foreach (var name in new[] { "user-agent", "anthropic-version", "anthropic-beta", "x-app", "x-claude-code-session-id" })
            text.Append(name).Append(": ").Append(headers.ContainsKey(name) ? (name == "x-claude-code-session-id" ? "<present>" : headers[name].ToString()) : "<absent>").Append('\n');
        text.Append("fields: ").AppendJoin(", ", root.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}")).Append('\n');
        if (root.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.Array)
            text.Append("system blocks: ").AppendJoin(", ", system.EnumerateArray().Select(b => b.GetProperty("type").GetString() + (b.TryGetProperty("cache_control", out _) ? "+cache_control" : ""))).Append('\n');
        foreach (var m in root.GetProperty("messages").EnumerateArray())
        {
            var content = m.GetProperty("content");
            text.Append("message ").Append(m.GetProperty("role").GetString()).Append(": ")
                .Append(content.ValueKind == JsonValueKind.String ? "string" : string.Join(", ", content.EnumerateArray().Select(b => b.GetProperty("type").GetString())))
                .Append('\n');
        }
        text.Append("tools: ").AppendJoin(", ", root.GetProperty("tools").EnumerateArray().Select(t =>
            t.GetProperty("name").GetString() + (t.TryGetProperty("defer_loading", out var d) && d.ValueKind == JsonValueKind.True ? " (deferred)" : ""))).Append('\n');
        foreach (var field in new[] { "thinking", "context_management", "output_config", "max_tokens", "stream" })
            if (root.TryGetProperty(field, out var v)) text.Append(field).Append(": ").Append(v.GetRawText()).Append('\n');
        return text.ToString();
    }

    private sealed class CaptureServer(WebApplication app, Uri url) : IAsyncDisposable
    {
        public Uri Url => url;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>A stand-in Anthropic endpoint that records each request and answers "Captured." with our own writer.</summary>
    private static async Task<CaptureServer> StartCaptureServerAsync(ConcurrentQueue<(string, IHeaderDictionary, byte[])> captured)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/v1/messages", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            captured.Enqueue((context.Request.Path + context.Request.QueryString, new HeaderDictionary(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>(context.Request.Headers, StringComparer.OrdinalIgnoreCase)), body.ToArray()));
            context.Response.ContentType = "text/event-stream";
            var writer = new AnthropicSseWriter(AnthropicIds.MessageId(), "captured", 1);
            writer.Content("Captured.");
            writer.Finish("stop", new UsageFigures(1, 1));
            var bytes = writer.TakeWritten()!;
            await context.Response.Body.WriteAsync(bytes.Span.ToArray(), context.RequestAborted);
            bytes.Release();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CaptureServer(app, new Uri(address));
    }
}

/// <summary>The CLI runs are heavy (a 200 MB native binary each): one at a time, never beside each other.</summary>
[CollectionDefinition(nameof(ClaudeCodeCliTests), DisableParallelization = true)]
public sealed class ClaudeCodeCliCollection;
