namespace Mix2Api.Streams.Tools;

/// <summary>A growable char buffer reused for the whole request (no per-chunk allocation once warm).</summary>
internal sealed class CharBuffer(int capacity = 128)
{
    private char[] _chars = new char[capacity];

    public int Length { get; private set; }

    public ReadOnlySpan<char> Span => _chars.AsSpan(0, Length);

    public char this[int index] => _chars[index];

    public void Append(char c)
    {
        if (Length == _chars.Length) Array.Resize(ref _chars, _chars.Length * 2);
        _chars[Length++] = c;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        if (Length + text.Length > _chars.Length) Array.Resize(ref _chars, Math.Max(_chars.Length * 2, Length + text.Length));
        text.CopyTo(_chars.AsSpan(Length));
        Length += text.Length;
    }

    public void Clear() => Length = 0;

    /// <summary>Keeps only the last char (used to hold a high surrogate until its pair arrives).</summary>
    public void KeepLast()
    {
        _chars[0] = _chars[Length - 1];
        Length = 1;
    }

    public override string ToString() => new(Span);
}
