namespace Mix2Api.Streams.Tools;

/// <summary>
/// Decodes the inside of a JSON string one char at a time, across any split of the input:
/// escapes, <c>\uXXXX</c>, and surrogate pairs written as two escapes. Broken escapes become
/// U+FFFD rather than failing the stream.
/// </summary>
internal struct JsonStringDecoder
{
    private const char Replacement = '\uFFFD';
    private bool _escape;
    private int _hexLeft; // hex digits still expected after \u; 0 when not in an escape
    private int _hex;
    private char _pendingHigh;

    public void Reset()
    {
        _escape = false;
        _hexLeft = 0;
        _hex = 0;
        _pendingHigh = '\0';
    }

    /// <summary>
    /// Feeds one char of the string body. Returns -1 when <paramref name="c"/> is the closing quote,
    /// otherwise the number (0–2) of decoded chars written to <paramref name="a"/>, <paramref name="b"/>.
    /// </summary>
    public int Feed(char c, out char a, out char b)
    {
        a = b = '\0';
        if (_hexLeft > 0)
        {
            var digit = HexValue(c);
            if (digit < 0)
            {
                // Broken \u escape: the escape becomes U+FFFD and c is read as usual (a quote still
                // ends the string; the U+FFFD is then dropped with it).
                _hexLeft = 0;
                _pendingHigh = '\0';
                if (c == '"') return -1;
                a = Replacement;
                if (c == '\\')
                {
                    _escape = true;
                    return 1;
                }
                b = c;
                return 2;
            }
            _hex = (_hex << 4) | digit;
            if (--_hexLeft > 0) return 0;
            return Unit((char)_hex, escaped: true, ref a, ref b);
        }
        if (_escape)
        {
            _escape = false;
            switch (c)
            {
                case 'u':
                    _hexLeft = 4;
                    _hex = 0;
                    return 0;
                case 'n': return Unit('\n', escaped: false, ref a, ref b);
                case 't': return Unit('\t', escaped: false, ref a, ref b);
                case 'r': return Unit('\r', escaped: false, ref a, ref b);
                case 'b': return Unit('\b', escaped: false, ref a, ref b);
                case 'f': return Unit('\f', escaped: false, ref a, ref b);
                default: return Unit(c, escaped: false, ref a, ref b); // \" \\ \/ and lenient unknown escapes
            }
        }
        if (c == '\\')
        {
            _escape = true;
            return 0;
        }
        if (c == '"')
        {
            _pendingHigh = '\0'; // a lone escaped high surrogate at the end is dropped
            return -1;
        }
        return Unit(c, escaped: false, ref a, ref b);
    }

    /// <summary>
    /// Emits one decoded UTF-16 unit. Units from <c>\uXXXX</c> escapes are paired here; raw
    /// surrogates come from already-decoded text and pass through in order.
    /// </summary>
    private int Unit(char u, bool escaped, ref char a, ref char b)
    {
        if (_pendingHigh != '\0')
        {
            var high = _pendingHigh;
            _pendingHigh = '\0';
            if (char.IsLowSurrogate(u))
            {
                a = high;
                b = u;
                return 2;
            }
            a = Replacement;
            if (escaped && char.IsHighSurrogate(u))
            {
                _pendingHigh = u;
                return 1;
            }
            b = u;
            return 2;
        }
        if (escaped && char.IsHighSurrogate(u))
        {
            _pendingHigh = u;
            return 0;
        }
        a = escaped && char.IsLowSurrogate(u) ? Replacement : u;
        return 1;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
