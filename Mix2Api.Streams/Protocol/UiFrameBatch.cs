using System.Buffers;

namespace Mix2Api.Streams.Protocol;

/// <summary>
/// The UI frames one network read completed, in order: the graph's element between decoding and the chat turn,
/// so per-element costs are paid per read, not per token. Its frames live in an array from the shared pool. A
/// reader that is done with a batch hands it back (<see cref="Return"/>, as the chat turn does at the end of its
/// push): the array goes back to the pool at once, so a stream waiting for its next read holds none, and the
/// decoder refills that batch object for the next read, so decoding allocates nothing per read. A batch not
/// handed back stays the reader's, and the decoder starts a new one. The text of plain text deltas (most frames of a
/// stream) is decoded into one pooled character buffer per batch instead of a string per frame
/// (<see cref="AddTextDelta"/>); <see cref="TextOf"/> reads a frame's text wherever it lies.
/// </summary>
public sealed class UiFrameBatch
{
    /// <summary>An element that carries no frames (the upstream answered; nothing completed yet).</summary>
    public static readonly UiFrameBatch Empty = new();

    private UiFrame[] _frames = [];
    private int _count;
    private char[] _text = [];
    private int _textLength;
    private bool _returned;

    public UiFrameBatch()
    {
    }

    /// <summary>A batch of given frames (tests).</summary>
    public UiFrameBatch(IEnumerable<UiFrame> frames)
    {
        foreach (var frame in frames) Add(frame);
    }

    public ReadOnlySpan<UiFrame> Frames => _frames.AsSpan(0, _count);

    public int Count => _count;

    public UiFrame this[int index] => (uint)index < (uint)_count ? _frames[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>True once the reader handed the batch back.</summary>
    internal bool Returned => _returned;

    /// <summary>The reader is done with the frames (they must not be read afterwards): the decoder may refill this batch.</summary>
    public void Return()
    {
        if (ReferenceEquals(this, Empty)) return;
        Release();
        _returned = true;
    }

    /// <summary>A frame's text: its string, or its part of this batch's text. Valid until the batch is handed back.</summary>
    public ReadOnlySpan<char> TextOf(in UiFrame frame)
        => frame.Text is { } text ? text : _text.AsSpan(frame.BatchTextStart, frame.BatchTextLength);

    /// <summary>Adds a text delta whose text is <paramref name="utf8"/> (valid UTF-8, no escapes), decoded into the batch's text.</summary>
    internal void AddTextDelta(ReadOnlySpan<byte> utf8)
    {
        // UTF-8 never decodes to more UTF-16 characters than it has bytes.
        if (_text.Length - _textLength < utf8.Length) GrowText(utf8.Length);
        var length = System.Text.Encoding.UTF8.GetChars(utf8, _text.AsSpan(_textLength));
        Add(new UiFrame(UiFrameType.TextDelta) { BatchTextStart = _textLength, BatchTextLength = length });
        _textLength += length;
    }

    internal void Add(in UiFrame frame)
    {
        if (_count == _frames.Length) Grow();
        _frames[_count++] = frame;
    }

    /// <summary>Empties the batch for the next read (its strings are no longer held).</summary>
    internal void Clear()
    {
        Array.Clear(_frames, 0, _count);
        _count = 0;
        _textLength = 0;
        _returned = false;
    }

    /// <summary>Gives the array back to the pool; the batch is empty and can be filled again.</summary>
    internal void Release()
    {
        Clear();
        if (_frames.Length > 0) ArrayPool<UiFrame>.Shared.Return(_frames);
        _frames = [];
        if (_text.Length > 0) ArrayPool<char>.Shared.Return(_text);
        _text = [];
    }

    private void GrowText(int needed)
    {
        var larger = ArrayPool<char>.Shared.Rent(Math.Max(1024, (_textLength + needed) * 2));
        _text.AsSpan(0, _textLength).CopyTo(larger);
        if (_text.Length > 0) ArrayPool<char>.Shared.Return(_text);
        _text = larger;
    }

    private void Grow()
    {
        var larger = ArrayPool<UiFrame>.Shared.Rent(Math.Max(16, _frames.Length * 2));
        _frames.AsSpan(0, _count).CopyTo(larger);
        if (_frames.Length > 0)
        {
            Array.Clear(_frames, 0, _count);
            ArrayPool<UiFrame>.Shared.Return(_frames);
        }
        _frames = larger;
    }
}
