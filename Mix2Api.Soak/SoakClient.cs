using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Mix2Api.Soak;

/// <summary>Sends one planned request, leaves at its planned moment, and judges the end it saw.</summary>
public sealed class SoakClient(HttpClient http, Uri chatUrl, IReadOnlyList<string> inboundKeys, string wrongKey, TimeSpan requestTimeout)
{
    /// <summary>Sends <paramref name="plan"/> to <paramref name="target"/> (a chat URL; the client's own by default);
    /// <paramref name="answered"/> runs when the response headers arrive.</summary>
    public async Task<SoakOutcome> RunAsync(SoakPlan plan, Uri? target = null, Action? answered = null)
    {
        using var abort = new CancellationTokenSource();
        using var hang = new CancellationTokenSource(requestTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(abort.Token, hang.Token);
        if (plan.AbortAfter is { } after) abort.CancelAfter(after);
        var started = Stopwatch.GetTimestamp();
        var status = 0;
        string? errorCode = null;
        string? session = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target ?? chatUrl) { Content = new ByteArrayContent(plan.Body()) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var key = plan.Shape == SoakShape.WrongKey ? wrongKey : inboundKeys[(plan.Caller ?? plan.Index) % inboundKeys.Count];
            request.Headers.TryAddWithoutValidation("authorization", "Bearer " + key);
            request.Headers.TryAddWithoutValidation("x-request-id", plan.RequestId);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            status = (int)response.StatusCode;
            session = response.Headers.TryGetValues("x-session-id", out var sessions) ? sessions.FirstOrDefault() : null;
            answered?.Invoke();
            var sse = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
            var (terminal, problem, code, bodySession) = status == 200 && sse
                ? await ReadStreamAsync(response, linked.Token)
                : Judge(status, await response.Content.ReadAsByteArrayAsync(linked.Token));
            errorCode = code;
            session = bodySession ?? session;
            return Outcome(problem is null ? SoakVerdict.Terminated : SoakVerdict.Broken, terminal, problem);
        }
        catch (Exception) when (abort.IsCancellationRequested)
        {
            return Outcome(SoakVerdict.Aborted, "aborted", null);
        }
        catch (OperationCanceledException) when (hang.IsCancellationRequested)
        {
            return Outcome(SoakVerdict.Broken, "hung", $"no end within {requestTimeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return Outcome(SoakVerdict.Broken, "cut", "connection ended without a terminal signal: " + e.Message);
        }

        SoakOutcome Outcome(SoakVerdict verdict, string terminal, string? problem)
        {
            var ended = Stopwatch.GetTimestamp();
            return new(plan, verdict, status, terminal, Stopwatch.GetElapsedTime(started, ended).TotalMilliseconds, problem, status != 0,
                errorCode, started, ended, session);
        }
    }

    private static async Task<(string Terminal, string? Problem, string? Code, string? Session)> ReadStreamAsync(HttpResponseMessage response, CancellationToken token)
    {
        await using var body = await response.Content.ReadAsStreamAsync(token);
        using var reader = new StreamReader(body);
        bool finish = false, error = false, done = false;
        string? code = null, session = null;
        while (await reader.ReadLineAsync(token) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            if (done) return ("after-done", "data after [DONE]", code, session);
            var data = line.AsMemory(6);
            if (data.Span.SequenceEqual("[DONE]")) { done = true; continue; }
            try
            {
                using var json = JsonDocument.Parse(data);
                if (json.RootElement.TryGetProperty("error", out var e) && IsEnvelope(e))
                {
                    error = true;
                    code = Code(e);
                }
                else if (FinishReason(json.RootElement) is not null) finish = true;
                session ??= SessionId(json.RootElement);
            }
            catch (JsonException)
            {
                return ("bad-json", "a data line that is not JSON", code, session);
            }
        }
        if (!done) return (finish ? "finish-without-done" : error ? "error-without-done" : "cut", "the stream ended without [DONE]", code, session);
        if (finish && error) return ("finish-and-error", "both a finish_reason and an error event", code, session);
        return finish ? ("finish", null, null, session) : error ? ("error-event", null, code, session)
            : ("done-only", "[DONE] with neither a finish_reason nor an error event", null, session);
    }

    private static (string Terminal, string? Problem, string? Code, string? Session) Judge(int status, byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (status == 200)
                return FinishReason(root) is not null ? ("finish", null, null, SessionId(root)) : ("no-finish", "a 200 without choices[0].finish_reason", null, null);
            return root.TryGetProperty("error", out var e) && IsEnvelope(e)
                ? ("http-error", null, Code(e), null)
                : ("no-envelope", $"HTTP {status} without the OpenAI error envelope", null, null);
        }
        catch (JsonException)
        {
            return ("not-json", $"HTTP {status} with a body that is not JSON", null, null);
        }
    }

    /// <summary>The upstream session a chunk or a completion names (<c>session_id</c>, a Mix2Api extension).</summary>
    private static string? SessionId(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("session_id", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;

    private static string? Code(JsonElement error) =>
        error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;

    private static bool IsEnvelope(JsonElement error) =>
        error.ValueKind == JsonValueKind.Object
        && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
        && error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String;

    private static string? FinishReason(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array
        && choices.GetArrayLength() > 0 && choices[0].TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String
            ? f.GetString()
            : null;
}
