using Mix2Api.Streams.Output;

namespace Mix2Api.Streams.Tools;

/// <summary>
/// The content channel of the transform. Whitespace is held until visible text follows, so the
/// client's content is trimmed at both ends (as the Node adapter trims) and the blank lines around
/// a consumed envelope never surface as a whitespace-only message next to tool calls.
/// </summary>
internal sealed class ContentWriter
{
    private readonly CharBuffer _visible = new(256);
    private readonly CharBuffer _whitespace = new(32);

    /// <summary>True once any non-whitespace content was accepted.</summary>
    public bool AnyVisible { get; private set; }

    public bool HasBuffered => _visible.Length > 0;

    public void Append(char c)
    {
        if (char.IsWhiteSpace(c))
        {
            if (AnyVisible) _whitespace.Append(c);
            return;
        }
        if (_whitespace.Length > 0)
        {
            _visible.Append(_whitespace.Span);
            _whitespace.Clear();
        }
        _visible.Append(c);
        AnyVisible = true;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        foreach (var c in text) Append(c);
    }

    /// <summary>
    /// Sends the buffered text. A trailing high surrogate is kept back unless <paramref name="all"/>,
    /// so a pair never straddles two deltas (a lone surrogate would be mangled in JSON).
    /// </summary>
    public void Flush(IChatSink sink, bool all)
    {
        var n = _visible.Length;
        if (n == 0) return;
        if (!all && char.IsHighSurrogate(_visible[n - 1]))
        {
            if (n == 1) return;
            sink.Content(_visible.Span[..(n - 1)]);
            _visible.KeepLast();
            return;
        }
        sink.Content(_visible.Span);
        _visible.Clear();
    }

    /// <summary>The generation ended: trailing whitespace is dropped.</summary>
    public void DropPendingWhitespace() => _whitespace.Clear();
}
