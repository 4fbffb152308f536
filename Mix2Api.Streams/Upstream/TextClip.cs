namespace Mix2Api.Streams.Upstream;

/// <summary>The Node adapter's truncation helpers (digest §2.4 exact arithmetic).</summary>
public static class TextClip
{
    /// <summary>Keeps head and tail around a marker line: <c>head + "\n" + marker + "\n" + tail</c>.</summary>
    public static string HeadTail(string text, int max, string marker, double headRatio = 0.6)
    {
        if (text.Length <= max) return text;
        var budget = max - marker.Length - 2;
        if (budget <= 0) return marker.Length > max ? marker[..Math.Max(0, max)] : marker;
        var head = (int)Math.Floor(budget * headRatio);
        var tail = budget - head;
        if (tail <= 0) return KeepTail(text, max, marker);
        return text[..head].TrimEnd() + "\n" + marker + "\n" + text[^tail..].TrimStart();
    }

    /// <summary>Keeps the end of the text after a marker line.</summary>
    public static string KeepTail(string text, int max, string marker)
    {
        if (text.Length <= max) return text;
        var keep = max - marker.Length - 1;
        return keep <= 0 ? marker[..Math.Min(marker.Length, Math.Max(0, max))] : marker + "\n" + text[^keep..];
    }

    /// <summary>Keeps the start of the text and appends <paramref name="suffix"/>.</summary>
    public static string Head(string text, int max, string suffix)
        => text.Length <= max ? text : text[..Math.Max(0, max - suffix.Length)] + suffix;
}
