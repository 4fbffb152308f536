namespace Mix2Api.Streams.Output;

/// <summary>
/// A running token estimate for when the upstream reports no usage: CJK characters count about one
/// token each (chars/4 badly undercounts Chinese), everything else about four characters a token.
/// </summary>
public struct TokenCounter
{
    private long _cjk;
    private long _other;

    public void Add(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (IsWide(c)) _cjk++;
            else _other++;
        }
    }

    public readonly int Tokens => (int)Math.Min(int.MaxValue, _cjk + (_other + 3) / 4);

    public static int Estimate(ReadOnlySpan<char> text)
    {
        var counter = new TokenCounter();
        counter.Add(text);
        return counter.Tokens;
    }

    // CJK ideographs, kana, hangul, full-width forms, and surrogates (rare scripts and emoji).
    private static bool IsWide(char c) => c >= '\u2E80' && (c <= '\u9FFF' || (c >= '\uAC00' && c <= '\uD7AF')
        || (c >= '\uD800' && c <= '\uDFFF') || (c >= '\uF900' && c <= '\uFAFF') || (c >= '\uFF00' && c <= '\uFFEF'));
}
