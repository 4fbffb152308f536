using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mix2Api.Tests.Support;

/// <summary>Request bodies and raw SSE reading for tests that look at the wire, not through a client library.</summary>
public static class ChatRequests
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Body(string userText, bool? stream = null, bool includeUsage = false, string model = "mix/qwen-3-235b-instruct")
    {
        var body = new Dictionary<string, object?>
        {
            ["model"] = model,
            ["messages"] = new[] { new { role = "user", content = userText } },
        };
        if (stream is not null) body["stream"] = stream;
        if (includeUsage) body["stream_options"] = new { include_usage = true };
        return Json(JsonSerializer.Serialize(body));
    }

    public static HttpRequestMessage Post(HttpContent content, string path = "v1/chat/completions", string? requestId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (requestId is not null) request.Headers.Add("x-request-id", requestId);
        return request;
    }

    /// <summary>Every <c>data:</c> payload of an SSE body, in order, plus the comments seen.</summary>
    public static (List<string> Data, int Comments) ParseSse(string body)
    {
        var data = new List<string>();
        var comments = 0;
        foreach (var line in body.Split('\n'))
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Add(line[6..]);
            else if (line.StartsWith(':')) comments++;
        }
        return (data, comments);
    }

    public static string RequestId(HttpResponseMessage response) => response.Headers.GetValues("x-request-id").Single();

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);
}
