using System.Text;
using System.Text.Json;

namespace Mix2Api.Tests.Anthropic;

/// <summary>
/// An Anthropic Messages event stream read the way a client reads it: events in order, content blocks
/// rebuilt from their deltas, and the grammar checked (event name = data type, message_start first,
/// blocks opened and closed in index order, message_stop or error last, nothing after).
/// </summary>
public sealed class AnthropicTranscript
{
    public sealed record Event(string Name, JsonElement Data);

    public sealed record Block(string Type, int Index, JsonElement Start, StringBuilder Text)
    {
        public string Id => Start.GetProperty("id").GetString()!;
        public string Name => Start.GetProperty("name").GetString()!;
    }

    public List<Event> Events { get; } = [];
    public List<Block> Blocks { get; } = [];
    public IEnumerable<string> Names => Events.Select(e => e.Name);
    public string? StopReason { get; private set; }
    public JsonElement? Usage { get; private set; }
    public JsonElement? Error { get; private set; }
    public JsonElement Message => Events[0].Data.GetProperty("message");
    public int Pings => Events.Count(e => e.Name == "ping");
    public string Text => string.Concat(Blocks.Where(b => b.Type == "text").Select(b => b.Text.ToString()));
    public string Thinking => string.Concat(Blocks.Where(b => b.Type == "thinking").Select(b => b.Text.ToString()));
    public List<Block> ToolUses => Blocks.Where(b => b.Type == "tool_use").ToList();

    public static AnthropicTranscript Parse(string sse)
    {
        var t = new AnthropicTranscript();
        string? name = null;
        foreach (var line in sse.Split('\n'))
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                Assert.NotNull(name);
                var data = JsonDocument.Parse(line[6..]).RootElement.Clone();
                Assert.Equal(name, data.GetProperty("type").GetString());
                t.Events.Add(new Event(name!, data));
                name = null;
            }
            else Assert.True(line.Length == 0, $"unexpected line: {line}");
        }
        t.Check();
        return t;
    }

    private void Check()
    {
        Assert.NotEmpty(Events);
        Assert.Equal("message_start", Events[0].Name);
        Block? open = null;
        var ended = false;
        foreach (var e in Events.Skip(1))
        {
            Assert.False(ended, $"event {e.Name} after the end");
            switch (e.Name)
            {
                case "ping":
                    break;
                case "content_block_start":
                    Assert.Null(open);
                    var start = e.Data.GetProperty("content_block");
                    open = new Block(start.GetProperty("type").GetString()!, e.Data.GetProperty("index").GetInt32(), start, new StringBuilder());
                    Assert.Equal(Blocks.Count, open.Index);
                    Blocks.Add(open);
                    break;
                case "content_block_delta":
                    Assert.NotNull(open);
                    Assert.Equal(open!.Index, e.Data.GetProperty("index").GetInt32());
                    var delta = e.Data.GetProperty("delta");
                    var (type, field) = open.Type switch
                    {
                        "text" => ("text_delta", "text"),
                        "thinking" => ("thinking_delta", "thinking"),
                        _ => ("input_json_delta", "partial_json"),
                    };
                    Assert.Equal(type, delta.GetProperty("type").GetString());
                    open.Text.Append(delta.GetProperty(field).GetString());
                    break;
                case "content_block_stop":
                    Assert.NotNull(open);
                    Assert.Equal(open!.Index, e.Data.GetProperty("index").GetInt32());
                    open = null;
                    break;
                case "message_delta":
                    Assert.Null(open);
                    StopReason = e.Data.GetProperty("delta").GetProperty("stop_reason").GetString();
                    Usage = e.Data.GetProperty("usage");
                    break;
                case "message_stop":
                    Assert.NotNull(StopReason);
                    ended = true;
                    break;
                case "error":
                    Error = e.Data.GetProperty("error");
                    ended = true;
                    break;
                default:
                    Assert.Fail($"unknown event {e.Name}");
                    break;
            }
        }
    }
}
