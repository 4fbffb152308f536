using System.Text.Json;
using Mix2Api.Streams.Tools;

namespace Mix2Api.Tests.Streams.Tools;

/// <summary>The model-output corpus (Corpus/tool-outputs.jsonl, made by Corpus/generate_corpus.py).</summary>
internal static class ToolCorpus
{
    public static readonly string[] DefaultTools =
        ["read_file", "write_file", "list_files", "bash", "grep_code", "read", "get_weather", "edit"];

    public sealed record ExpectedCall(string Name, string Arguments);

    public sealed record Entry(string Id, string Input, string[] Tools, bool Parallel, string Content,
        IReadOnlyList<ExpectedCall> Calls, bool EndedMidCall, string? Note);

    private static readonly Lazy<IReadOnlyDictionary<string, Entry>> All = new(Load);

    public static IReadOnlyDictionary<string, Entry> Entries => All.Value;

    public static IEnumerable<object[]> Ids() => Entries.Keys.Select(id => new object[] { id });

    private static IReadOnlyDictionary<string, Entry> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Streams", "Tools", "Corpus", "tool-outputs.jsonl");
        var result = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            var tools = r.TryGetProperty("tools", out var t) ? t.EnumerateArray().Select(x => x.GetString()!).ToArray() : DefaultTools;
            var calls = r.GetProperty("calls").EnumerateArray()
                .Select(c => new ExpectedCall(c.GetProperty("name").GetString()!, c.GetProperty("arguments").GetString()!)).ToList();
            var entry = new Entry(
                r.GetProperty("id").GetString()!,
                r.GetProperty("input").GetString()!,
                tools,
                !r.TryGetProperty("parallel", out var p) || p.GetBoolean(),
                r.GetProperty("content").GetString()!,
                calls,
                r.TryGetProperty("endedMidCall", out var m) && m.GetBoolean(),
                r.TryGetProperty("note", out var n) ? n.GetString() : null);
            result.Add(entry.Id, entry);
        }
        return result;
    }

    /// <summary>Runs the input through a fresh transform, pushed in the given pieces.</summary>
    public static (RecordingSink Sink, ToolProtocolTransform Transform) Run(Entry entry, IEnumerable<(int Start, int Length)> pieces)
    {
        var transform = new ToolProtocolTransform(entry.Tools, entry.Parallel);
        var sink = new RecordingSink();
        foreach (var (start, length) in pieces) transform.Push(entry.Input.AsSpan(start, length), sink);
        transform.Complete(sink);
        Assert.Equal(sink.Calls.Count, transform.ToolCallCount);
        return (sink, transform);
    }

    public static string Expected(Entry entry)
    {
        var sb = new System.Text.StringBuilder("content=").Append(entry.Content);
        foreach (var c in entry.Calls) sb.Append("\ncall ").Append(c.Name).Append(' ').Append(c.Arguments);
        return sb.ToString();
    }
}
