using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Mix2Api.Host.Simulator;
using Mix2Api.Tests.Support;

namespace Mix2Api.Tests.Cluster;

/// <summary>A conversation as a client keeps it: the whole history is resent every turn.</summary>
public sealed class Conversation
{
    private readonly List<(string Role, string Content)> _messages = [];

    public Conversation(string opening, string? system = null)
    {
        if (system is not null) _messages.Add(("system", system));
        _messages.Add(("user", opening));
    }

    private Conversation(IEnumerable<(string, string)> messages) => _messages.AddRange(messages);

    public IReadOnlyList<(string Role, string Content)> Messages => _messages;

    /// <summary>The client's next turn: the answer it got, then a new question.</summary>
    public Conversation Next(string answer, string question)
    {
        _messages.Add(("assistant", answer));
        _messages.Add(("user", question));
        return this;
    }

    /// <summary>A copy with message <paramref name="index"/> edited (what an IDE's "edit and resend" does).</summary>
    public Conversation EditedAt(int index, string content)
    {
        var copy = new Conversation(_messages);
        copy._messages[index] = (copy._messages[index].Role, content);
        return copy;
    }
}

/// <summary>What a client observed from one chat request, plus what the upstream received for it.</summary>
public sealed record ChatReply(HttpStatusCode Status, string RequestId, string? HeaderSessionId, string? BodySessionId,
    string? ErrorCode, SimulatedRequest? Upstream)
{
    /// <summary>The session_id the upstream request carried (null: the upstream was asked to start a new one).</summary>
    public string? SentSessionId => Upstream?.Body is { } body && body.TryGetProperty("session_id", out var s) ? s.GetString() : null;

    public string UpstreamQuery => Upstream?.Body?.GetProperty("request").GetProperty("query").GetString() ?? "";
}

/// <summary>Real HTTP chat turns and health reads against a broker (in-process or a child process).</summary>
public static class ClusterChat
{
    public const string Model = "mix/qwen-3-235b-instruct";

    public static string Body(IReadOnlyList<(string Role, string Content)> messages, string? sessionId = null, bool stream = false, string model = Model)
    {
        var body = new Dictionary<string, object?>
        {
            ["model"] = model,
            ["stream"] = stream,
            ["messages"] = messages.Select(m => new { role = m.Role, content = m.Content }).ToArray(),
        };
        if (sessionId is not null) body["session_id"] = sessionId;
        return JsonSerializer.Serialize(body);
    }

    /// <summary>
    /// Sends one non-stream turn with a fresh x-request-id and finds the upstream request the simulator recorded for it
    /// (the broker forwards the request id).
    /// </summary>
    public static async Task<ChatReply> SendAsync(HttpClient client, UpstreamSimulator? simulator, Conversation conversation,
        IDictionary<string, string>? headers = null, string? sessionId = null, string model = Model, string? bearer = null)
    {
        var requestId = "r" + Guid.NewGuid().ToString("N");
        using var request = ChatRequests.Post(ChatRequests.Json(Body(conversation.Messages, sessionId, model: model)), requestId: requestId);
        if (headers is not null)
            foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        string? bodySession = null, errorCode = null;
        if (text.Length > 0 && text[0] == '{')
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.TryGetProperty("session_id", out var s) && s.ValueKind == JsonValueKind.String) bodySession = s.GetString();
            if (json.RootElement.TryGetProperty("error", out var e) && e.TryGetProperty("code", out var c)) errorCode = c.GetString();
        }
        var header = response.Headers.TryGetValues("x-session-id", out var values) ? values.FirstOrDefault() : null;
        var upstream = simulator?.ChatRequests.LastOrDefault(r => r.Header("x-request-id") == requestId);
        if (simulator is not null && response.IsSuccessStatusCode && upstream is null)
            throw new InvalidOperationException($"the simulator recorded no upstream request for {requestId}");
        return new ChatReply(response.StatusCode, requestId, header, bodySession, errorCode, upstream);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(HttpClient client, string path = "health")
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);
        return (response.StatusCode, json.RootElement.Clone());
    }

    /// <summary>The single session record under <paramref name="prefix"/> in Redis, parsed.</summary>
    public static async Task<(string Key, JsonElement Record)[]> SessionRecordsAsync(RedisServerFixture redis, string prefix)
    {
        var keys = await KeysAsync(redis, prefix + ":*");
        var records = new List<(string, JsonElement)>();
        foreach (var key in keys)
        {
            var raw = await redis.CommandAsync("GET", key);
            if (raw is null) continue;
            using var json = JsonDocument.Parse(raw);
            records.Add((key, json.RootElement.Clone()));
        }
        return [.. records];
    }

    /// <summary>KEYS through a short Lua script, because the fixture's RESP reader returns single values only.</summary>
    public static async Task<string[]> KeysAsync(RedisServerFixture redis, string pattern)
    {
        var joined = await redis.CommandAsync("EVAL", "return table.concat(redis.call('KEYS', ARGV[1]), '\\n')", "0", pattern);
        return string.IsNullOrEmpty(joined) ? [] : joined.Split('\n');
    }
}
