using System.Text;
using System.Text.Json;

namespace Mix2Api.Tests.Support;

/// <summary>
/// What an OpenAI streaming client sees in an SSE body: the JSON chunks in order, the comments,
/// and whether <c>[DONE]</c> came last. Parsing fails loudly on anything that is not an SSE line.
/// </summary>
public sealed class ClientTranscript
{
    public List<JsonElement> Chunks { get; } = [];
    public List<string> Comments { get; } = [];
    public bool DoneLast { get; private set; }
    public int DoneCount { get; private set; }

    public static ClientTranscript Parse(string sse)
    {
        var t = new ClientTranscript();
        Assert.EndsWith("\n\n", sse);
        foreach (var line in sse.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line.StartsWith(':')) t.Comments.Add(line);
            else if (line == "data: [DONE]") t.DoneCount++;
            else
            {
                Assert.StartsWith("data: ", line);
                Assert.Equal(0, t.DoneCount);
                using var doc = JsonDocument.Parse(line[6..]);
                t.Chunks.Add(doc.RootElement.Clone());
            }
        }
        t.DoneLast = sse.EndsWith("data: [DONE]\n\n", StringComparison.Ordinal);
        return t;
    }

    public IEnumerable<JsonElement> Deltas => Chunks
        .Where(c => c.TryGetProperty("choices", out var ch) && ch.GetArrayLength() > 0)
        .Select(c => c.GetProperty("choices")[0].GetProperty("delta"));

    public string Content => Join("content");
    public string Reasoning => Join("reasoning_content");

    public string? FinishReason => Chunks
        .Where(c => c.TryGetProperty("choices", out var ch) && ch.GetArrayLength() > 0)
        .Select(c => c.GetProperty("choices")[0].GetProperty("finish_reason"))
        .Where(f => f.ValueKind == JsonValueKind.String)
        .Select(f => f.GetString())
        .SingleOrDefault();

    /// <summary>The usage of the last chunk, when it is the empty-choices usage chunk.</summary>
    public (int Prompt, int Completion, int Total)? Usage
    {
        get
        {
            if (Chunks.Count == 0 || !Chunks[^1].TryGetProperty("usage", out var u)) return null;
            return (u.GetProperty("prompt_tokens").GetInt32(), u.GetProperty("completion_tokens").GetInt32(), u.GetProperty("total_tokens").GetInt32());
        }
    }

    private string Join(string field)
    {
        var sb = new StringBuilder();
        foreach (var d in Deltas)
            if (d.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String) sb.Append(v.GetString());
        return sb.ToString();
    }
}
