using System.Text.Json;

namespace Mix2Api.Soak;

/// <summary>
/// The <c>request.completed</c> events in the broker's JSON log, by request id. Parsed defensively: the
/// properties may sit at the top (compact JSON, <c>@mt</c>) or under <c>Properties</c> (Serilog's JsonFormatter),
/// and lines that are not JSON are skipped.
/// </summary>
public sealed class BrokerLog
{
    private BrokerLog(string text, Dictionary<string, List<string>> completed)
    {
        Text = text;
        Completed = completed;
    }

    /// <summary>The whole log (for the secret scan).</summary>
    public string Text { get; }

    /// <summary>Request id → the end_reason of each <c>request.completed</c> event logged for it.</summary>
    public IReadOnlyDictionary<string, List<string>> Completed { get; }

    public static BrokerLog Read(string path)
    {
        string text;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(file))
            text = reader.ReadToEnd();
        var completed = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (!trimmed.StartsWith('{') || !trimmed.Contains("request.completed", StringComparison.Ordinal)) continue;
            try
            {
                using var json = JsonDocument.Parse(trimmed);
                var root = json.RootElement;
                var props = root.TryGetProperty("Properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : root;
                if (!IsCompleted(root, props)) continue;
                var id = String(props, "request_id") ?? String(root, "request_id");
                if (id is null) continue;
                var reason = String(props, "end_reason") ?? String(root, "end_reason") ?? "(missing)";
                if (!completed.TryGetValue(id, out var list)) completed[id] = list = [];
                list.Add(reason);
            }
            catch (JsonException)
            {
                // A line cut by the process ending, or not ours: not an event.
            }
        }
        return new BrokerLog(text, completed);
    }

    private static bool IsCompleted(JsonElement root, JsonElement props) =>
        String(props, "event") == "request.completed" || String(root, "event") == "request.completed"
        || String(root, "@mt") == "request.completed" || String(root, "MessageTemplate") == "request.completed"
        || String(root, "RenderedMessage") == "request.completed" || String(root, "@m") == "request.completed";

    private static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
