using System.Text;
using Mix2Api.Streams.Output;

namespace Mix2Api.Tests.Streams.Tools;

/// <summary>
/// Records what a client would end up with: the content string and each call (id, name, arguments
/// concatenated). It also enforces the delta rules clients rely on: indexes start at 0 and grow by
/// one, arguments only for a started call, and no lone surrogate at a delta boundary.
/// </summary>
internal sealed class RecordingSink : IChatSink
{
    private readonly StringBuilder _content = new();

    public sealed record Call(int Index, string Id, string Name, StringBuilder Arguments);

    public List<Call> Calls { get; } = [];

    public int ContentDeltas { get; private set; }

    public string Text => _content.ToString();

    /// <summary>Characters of content received so far (without building the string).</summary>
    public int TextLength => _content.Length;

    public void Content(ReadOnlySpan<char> text)
    {
        Assert.False(text.IsEmpty, "empty content delta");
        Assert.False(char.IsLowSurrogate(text[0]) && _content.Length > 0 && !char.IsHighSurrogate(_content[^1]),
            "content delta starts with a lone low surrogate");
        _content.Append(text);
        ContentDeltas++;
    }

    public void Reasoning(ReadOnlySpan<char> text) => throw new InvalidOperationException("the transform never emits reasoning");

    public void ToolCallStart(int index, string id, string name)
    {
        Assert.Equal(Calls.Count, index);
        Assert.StartsWith("call_", id);
        Assert.Equal(29, id.Length);
        Assert.DoesNotContain(Calls, c => c.Id == id);
        Calls.Add(new Call(index, id, name, new StringBuilder()));
    }

    public void ToolCallArguments(int index, ReadOnlySpan<char> fragment)
    {
        Assert.InRange(index, 0, Calls.Count - 1);
        Assert.False(fragment.IsEmpty, "empty arguments delta");
        Calls[index].Arguments.Append(fragment);
    }

    /// <summary>A compact, comparable rendering of the result.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append("content=").Append(Text);
        foreach (var c in Calls) sb.Append("\ncall ").Append(c.Name).Append(' ').Append(c.Arguments);
        return sb.ToString();
    }
}
