using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mix2Api.Host.Simulator;

namespace Mix2Api.Tests.Host.Simulator;

/// <summary>A plain HttpClient speaking to the simulator the way the broker does (digest §2.1–2.2).</summary>
internal static class SimHttp
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    // MaxResponseDrainSize = 0: disposing a half-read response closes the connection at once (no 2 s drain),
    // which is what "the client went away" means in these tests.
    public static HttpClient Client(SimulatorServer server) =>
        new(new SocketsHttpHandler { MaxResponseDrainSize = 0, AllowAutoRedirect = false }) { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };

    public static string Body(string question, string? sessionId = null, string? query = null, JsonArray? extraMessages = null)
    {
        var messages = new JsonArray { new JsonObject { ["role"] = "user", ["content"] = question } };
        if (extraMessages is not null)
        {
            foreach (var m in extraMessages.ToList())
            {
                extraMessages.Remove(m);
                messages.Add(m);
            }
        }
        var body = new JsonObject
        {
            ["request"] = new JsonObject
            {
                ["agent_slug"] = "web-general",
                ["model_slug"] = "qwen-3-235b-instruct",
                ["locale"] = new JsonObject { ["location"] = "Asia/Shanghai", ["language"] = "zh-CN" },
                ["modes"] = new JsonObject { ["search"] = true },
                ["query"] = query ?? "[当前问题]\n" + question,
            },
            ["is_personalized"] = true,
            ["stream"] = true,
            ["messages"] = messages,
            ["max_tokens"] = 1024,
        };
        if (sessionId is not null) body["session_id"] = sessionId;
        return body.ToJsonString();
    }

    public static HttpRequestMessage Chat(string question, string? sessionId = null, string? bearer = null, string? query = null) =>
        ChatRaw(Body(question, sessionId, query), bearer);

    public static HttpRequestMessage ChatRaw(string body, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v2/chats") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    public static async Task<SseCapture> SendAndReadAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return SseCapture.Parse(response, bytes);
    }
}

/// <summary>A whole SSE response, split into events.</summary>
internal sealed record SseCapture(int Status, HttpResponseMessage Response, byte[] Bytes, IReadOnlyList<SseEvent> Events)
{
    public string Text => Encoding.UTF8.GetString(Bytes);

    public IReadOnlyList<string> Data => [.. Events.Where(e => e.Data is not null).Select(e => e.Data!)];

    public IReadOnlyList<JsonElement> Frames => [.. Data.Where(d => d != "[DONE]").Select(d => JsonDocument.Parse(d).RootElement.Clone())];

    public IReadOnlyList<string> Types => [.. Frames.Select(f => f.GetProperty("type").GetString()!)];

    public IReadOnlyList<string> Comments => [.. Events.SelectMany(e => e.Comments)];

    /// <summary>Concatenated deltas of the given frame type.</summary>
    public string Deltas(string type = "text-delta") =>
        string.Concat(Frames.Where(f => f.GetProperty("type").GetString() == type).Select(f => f.GetProperty("delta").GetString()));

    public JsonElement Frame(string type) => Frames.First(f => f.GetProperty("type").GetString() == type);

    public static SseCapture Parse(HttpResponseMessage response, byte[] bytes) =>
        new((int)response.StatusCode, response, bytes, SseEvent.ParseAll(Encoding.UTF8.GetString(bytes)));
}

/// <summary>One SSE event block: its data (lines joined with \n, null when none) and its comment lines.</summary>
internal sealed record SseEvent(string? Data, IReadOnlyList<string> Comments, IReadOnlyList<string> OtherFields)
{
    public static IReadOnlyList<SseEvent> ParseAll(string text)
    {
        var events = new List<SseEvent>();
        foreach (var block in text.Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries)) events.Add(ParseBlock(block));
        return events;
    }

    public static SseEvent ParseBlock(string block)
    {
        var data = new List<string>();
        var comments = new List<string>();
        var other = new List<string>();
        foreach (var line in block.Split('\n'))
        {
            if (line.StartsWith(':')) comments.Add(line[1..].Trim());
            else if (line.StartsWith("data:")) data.Add(line[5..].StartsWith(' ') ? line[6..] : line[5..]);
            else if (line.Length > 0) other.Add(line);
        }
        return new SseEvent(data.Count == 0 ? null : string.Join('\n', data), comments, other);
    }
}

/// <summary>Reads a live SSE body event by event (for tests that act while the stream is open).</summary>
internal sealed class SseStreamReader(Stream stream)
{
    private readonly List<byte> _pending = [];
    private readonly byte[] _buffer = new byte[4096];

    /// <summary>The next complete event block, or null at end of stream.</summary>
    public async Task<SseEvent?> NextAsync()
    {
        while (true)
        {
            var end = FindBlockEnd();
            if (end >= 0)
            {
                var block = Encoding.UTF8.GetString(_pending.GetRange(0, end).ToArray());
                _pending.RemoveRange(0, end + 2);
                return SseEvent.ParseBlock(block);
            }
            var read = await stream.ReadAsync(_buffer).AsTask().WaitAsync(SimHttp.Patience);
            if (read == 0) return null;
            _pending.AddRange(_buffer.AsSpan(0, read).ToArray());
        }
    }

    private int FindBlockEnd()
    {
        for (var i = 0; i + 1 < _pending.Count; i++)
        {
            if (_pending[i] == '\n' && _pending[i + 1] == '\n') return i;
        }
        return -1;
    }
}
