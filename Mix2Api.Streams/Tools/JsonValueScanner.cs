namespace Mix2Api.Streams.Tools;

/// <summary>
/// Finds where one raw JSON value ends, char by char, without parsing or copying it: nesting
/// depth outside strings, string and escape state. Used to pass tool arguments through
/// byte-exact and to skip values the envelope does not use.
/// </summary>
internal struct JsonValueScanner
{
    public enum Step : byte
    {
        /// <summary>The char belongs to the value, which continues.</summary>
        Continue,
        /// <summary>The char was the value's last.</summary>
        End,
        /// <summary>The value ended before this char (a bare scalar met a delimiter); reprocess it.</summary>
        EndedBefore,
    }

    private int _depth;
    private bool _inString;
    private bool _escape;
    private bool _scalar;

    /// <summary>Starts a value with its first (non-whitespace) char.</summary>
    public Step Start(char c)
    {
        _depth = 0;
        _escape = false;
        _inString = false;
        _scalar = false;
        switch (c)
        {
            case '{' or '[':
                _depth = 1;
                return Step.Continue;
            case '"':
                _inString = true;
                return Step.Continue;
            default:
                _scalar = true;
                return Step.Continue;
        }
    }

    public Step Next(char c)
    {
        if (_scalar)
            return c is ',' or '}' or ']' || char.IsWhiteSpace(c) ? Step.EndedBefore : Step.Continue;
        if (_inString)
        {
            if (_escape) _escape = false;
            else if (c == '\\') _escape = true;
            else if (c == '"')
            {
                _inString = false;
                if (_depth == 0) return Step.End;
            }
            return Step.Continue;
        }
        switch (c)
        {
            case '"':
                _inString = true;
                break;
            case '{' or '[':
                _depth++;
                break;
            case '}' or ']':
                if (--_depth == 0) return Step.End;
                break;
        }
        return Step.Continue;
    }

    /// <summary>True while inside a string or a container (a cut here leaves invalid JSON).</summary>
    public readonly bool Open => _inString || _depth > 0;
}
