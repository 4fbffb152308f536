namespace Mix2Api.Host.Simulator;

/// <summary>Splits text into near-equal chunks without cutting a surrogate pair (an emoji stays whole).</summary>
internal static class TextSplitter
{
    public static string[] Split(string text, int chunks)
    {
        if (chunks <= 1 || text.Length <= 1) return [text];
        chunks = Math.Min(chunks, text.Length);
        var parts = new List<string>(chunks);
        var start = 0;
        for (var i = 1; i <= chunks; i++)
        {
            var end = i == chunks ? text.Length : (int)((long)text.Length * i / chunks);
            if (end < text.Length && end > 0 && char.IsHighSurrogate(text[end - 1])) end++;
            if (end <= start) continue;
            parts.Add(text[start..end]);
            start = end;
        }
        return [.. parts];
    }

    /// <summary>Chunks of at most <paramref name="size"/> chars (again never cutting a surrogate pair).</summary>
    public static int ChunkCountFor(string text, int size) => Math.Max(1, (text.Length + Math.Max(1, size) - 1) / Math.Max(1, size));
}
