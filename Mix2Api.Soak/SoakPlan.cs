using System.Text;
using System.Text.Json;

namespace Mix2Api.Soak;

public enum SoakShape
{
    StreamShort,
    StreamLong,
    NonStream,
    ToolsStream,
    ToolsNonStream,
    WrongKey,
    BadJson,
}

/// <summary>
/// One soak request, drawn from the run's seed and its index alone (the same run replays the same requests).
/// Every request opens its own conversation (the index is in the first message), so sessions never serialize them,
/// unless <see cref="Earlier"/> makes it a later turn of one (the cluster soak, where sessions matter).
/// </summary>
public sealed record SoakPlan(int Index, string RequestId, SoakShape Shape, bool Stream, TimeSpan? AbortAfter)
{
    /// <summary>The user messages of the conversation's earlier turns (each answered "ok" in the history sent).</summary>
    public IReadOnlyList<string> Earlier { get; init; } = [];

    /// <summary>Which of the run's inbound keys sends it (by default its index picks one). The key is part of the session
    /// key, so every turn of a conversation must come from one caller.</summary>
    public int? Caller { get; init; }

    /// <summary>A paced stream of this many chunks this far apart instead of the shape's answer.</summary>
    public (int Chunks, int DelayMs)? Pace { get; init; }

    // Cumulative weights (percent) of the shapes above.
    private static readonly (SoakShape Shape, int Upper)[] Shares =
    [
        (SoakShape.StreamShort, 30), (SoakShape.StreamLong, 50), (SoakShape.NonStream, 75), (SoakShape.ToolsStream, 85),
        (SoakShape.ToolsNonStream, 92), (SoakShape.WrongKey, 96), (SoakShape.BadJson, 100),
    ];

    /// <summary>A request of any shape; with <paramref name="validOnly"/> never a wrong key or invalid JSON (a conversation's turn).</summary>
    public static SoakPlan Draw(int seed, int index, double abortRate, bool validOnly = false)
    {
        var random = new Random(unchecked(seed * 1_000_003 + index));
        var roll = random.Next(validOnly ? 92 : 100);
        var shape = Array.Find(Shares, s => roll < s.Upper).Shape;
        var stream = shape is SoakShape.StreamShort or SoakShape.StreamLong or SoakShape.ToolsStream
            || (shape is SoakShape.WrongKey or SoakShape.BadJson && random.Next(2) == 0);
        TimeSpan? abort = shape is not (SoakShape.WrongKey or SoakShape.BadJson) && random.NextDouble() < abortRate
            ? TimeSpan.FromMilliseconds(random.Next(0, 150))
            : null;
        return new SoakPlan(index, $"soak-{seed}-{index:D6}", shape, stream, abort);
    }

    public byte[] Body()
    {
        if (Shape == SoakShape.BadJson) return Encoding.UTF8.GetBytes("{\"model\":\"mix/qwen-3-235b-instruct\",\"messages\":[{\"role\":\"user\",");
        var tools = Shape is SoakShape.ToolsStream or SoakShape.ToolsNonStream;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("model", "mix/qwen-3-235b-instruct");
            w.WriteBoolean("stream", Stream);
            w.WriteStartArray("messages");
            foreach (var earlier in Earlier)
            {
                Message(w, "user", earlier);
                Message(w, "assistant", "ok");
            }
            Message(w, "user", Text);
            w.WriteEndArray();
            if (tools)
            {
                w.WriteStartArray("tools");
                w.WriteStartObject();
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", "read_file");
                w.WriteString("description", "Read a file");
                w.WriteStartObject("parameters");
                w.WriteString("type", "object");
                w.WriteStartObject("properties");
                w.WriteStartObject("path");
                w.WriteString("type", "string");
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The user message of this turn (the simulator reads its directives from it).</summary>
    public string Text
    {
        get
        {
            if (Pace is var (chunks, delayMs)) return $"soak {Index}: a paced answer [[sim:long chunks={chunks} delay_ms={delayMs}]]";
            return Shape switch
            {
                SoakShape.StreamLong => $"soak {Index}: a long answer [[sim:long chunks=30 delay_ms=5]]",
                SoakShape.ToolsStream or SoakShape.ToolsNonStream => $"soak {Index}: read a.txt [[sim:tool name=read_file args={{\"path\":\"a.txt\"}}]]",
                _ => $"soak {Index}: hello",
            };
        }
    }

    private static void Message(Utf8JsonWriter w, string role, string content)
    {
        w.WriteStartObject();
        w.WriteString("role", role);
        w.WriteString("content", content);
        w.WriteEndObject();
    }
}
