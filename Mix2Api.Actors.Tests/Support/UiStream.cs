using System.Text;

namespace Mix2Api.Tests.Support;

/// <summary>An upstream UI message stream as the upstream writes it, for graph tests: a few frames and their SSE text.</summary>
public static class UiStream
{
    public const string Start = """{"type":"start","messageMetadata":{"sessionId":"s1"}}""";
    public const string Hello = """{"type":"text-delta","id":"t","delta":"Hello"}""";
    public const string Finish = """{"type":"finish"}""";

    /// <summary>Each frame as one <c>data:</c> event.</summary>
    public static string SseText(params string[] data)
    {
        var sb = new StringBuilder();
        foreach (var d in data) sb.Append("data: ").Append(d).Append("\n\n");
        return sb.ToString();
    }
}
