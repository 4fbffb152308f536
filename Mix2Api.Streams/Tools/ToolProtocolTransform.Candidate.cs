using System.Text;

namespace Mix2Api.Streams.Tools;

// Classification: the chars after a '{', a ``` fence or a line-start 't' are held only until it is
// clear whether they open a protocol envelope; otherwise they are released as content unchanged.
public sealed partial class ToolProtocolTransform
{
    private enum CandidatePhase : byte
    {
        Ticks, FenceInfo, FenceBody, Brace, QuotedKey, AfterKey, AfterColon, BareWord, BareAfterWord,
        // The bare form {"name":"x","arguments":…} (only where an envelope may start).
        NameValue, NameAfterValue, NameNextKey, NameNextKeyQuoted, NameNextAfterKey,
    }

    private enum Keyword : byte { None, Final, ToolCall, ToolCalls, Name }

    private const int MaxHeldChars = 1024;
    private const int MaxNameChars = 256;

    private readonly StringBuilder _held = new();
    private readonly StringBuilder _key = new();
    private readonly StringBuilder _candName = new();
    private JsonStringDecoder _candNameDecoder;
    private CandidatePhase _phase;
    private Keyword _keyword;
    private int _ticks;
    private int _fenceLength;       // held chars that belong to the fence before the '{'
    private bool _candInFence;
    private bool _candBareAllowed;
    private bool _candBraceless;
    private bool _proseFenceOpen;   // a ``` code block of the prose is open (its closing fence is text)
    private char _quote = '"';      // the quote of the candidate's first key

    private bool BeginCandidate(char c, CandidatePhase phase)
    {
        _candInFence = _mode == Mode.AfterEnvelope && _envInFence;
        _candBareAllowed = !_content.AnyVisible || _afterEnvelope || _candInFence;
        _candBraceless = phase == CandidatePhase.BareWord;
        _quote = '"';
        _mode = Mode.Candidate;
        _phase = phase;
        _keyword = Keyword.None;
        _ticks = 1;
        _fenceLength = 0;
        _held.Clear().Append(c);
        _key.Clear();
        if (phase == CandidatePhase.BareWord) _key.Append(c);
        return true;
    }

    private bool CandidateStep(char c)
    {
        if (_held.Length >= MaxHeldChars) return Release();
        var ws = char.IsWhiteSpace(c);
        switch (_phase)
        {
            case CandidatePhase.Ticks:
                if (c != '`') return Release();
                _held.Append(c);
                if (++_ticks == 3) _phase = CandidatePhase.FenceInfo;
                return true;
            case CandidatePhase.FenceInfo:
                if (c == '{') return FenceBrace(c);
                if (c == '\n') _phase = CandidatePhase.FenceBody;
                else if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '+' or '.' or ' ' or '\t' or '\r') || _held.Length > 40)
                    return Release();
                _held.Append(c);
                return true;
            case CandidatePhase.FenceBody:
                if (c == '{') return FenceBrace(c);
                if (!ws) return Release();
                _held.Append(c);
                return true;
            case CandidatePhase.Brace:
                if (ws) { _held.Append(c); return true; }
                if (c is '"' or '\'')
                {
                    // {'tool_call': …} (Python-dict style) is held as a loose envelope once the key is known.
                    _quote = c;
                    _held.Append(c);
                    _phase = CandidatePhase.QuotedKey;
                    return true;
                }
                if (c is 't' or 'T') { _held.Append(c); _key.Append(c); _phase = CandidatePhase.BareWord; return true; }
                return Release();
            case CandidatePhase.QuotedKey:
                if (c == _quote)
                {
                    _keyword = KeywordOf(_key);
                    if (_keyword == Keyword.None || (_keyword == Keyword.Name && !_candBareAllowed)) return Release();
                    _held.Append(c);
                    _phase = CandidatePhase.AfterKey;
                    return true;
                }
                return ExtendKey(c, "final", "tool_call", "tool_calls", _candBareAllowed ? "name" : null);
            case CandidatePhase.AfterKey:
                if (ws) { _held.Append(c); return true; }
                if (c != ':') return Release();
                _held.Append(c);
                _phase = CandidatePhase.AfterColon;
                return true;
            case CandidatePhase.AfterColon:
                if (ws) { _held.Append(c); return true; }
                return ValueStart(c);
            case CandidatePhase.BareWord:
                if (LooseCallParser.IsWordChar(c))
                {
                    if (!IsPrefixIgnoreCase(_key, c, "tool_calls")) return Release();
                    _held.Append(c);
                    _key.Append(c);
                    return true;
                }
                if (!IsKeyword(_key, "tool_call", true) && !IsKeyword(_key, "tool_calls", true)) return Release();
                _keyword = Keyword.ToolCall;
                if (ws) { _held.Append(c); _phase = CandidatePhase.BareAfterWord; return true; }
                return c is ':' or '=' ? EnterLoose(c) : Release();
            case CandidatePhase.BareAfterWord:
                if (ws) { _held.Append(c); return true; }
                return c is ':' or '=' ? EnterLoose(c) : Release();
            default:
                return BareNameStep(c, ws);
        }
    }

    private bool FenceBrace(char c)
    {
        if (_proseFenceOpen)
        {
            // This ``` closes a code block of the prose; only the '{' after it may open an envelope.
            _proseFenceOpen = false;
            for (var i = 0; i < _held.Length; i++) ProseStepNoCandidate(_held[i]);
            _held.Clear().Append(c);
            _candBareAllowed = false;
            _phase = CandidatePhase.Brace;
            return true;
        }
        _fenceLength = _held.Length;
        _candInFence = true;
        _candBareAllowed = true;
        _held.Append(c);
        _phase = CandidatePhase.Brace;
        return true;
    }

    /// <summary>What follows <c>"key":</c> decides between a streamed envelope, a held loose one, or prose.</summary>
    private bool ValueStart(char c)
    {
        switch (_keyword)
        {
            case Keyword.Final or Keyword.ToolCall or Keyword.ToolCalls when _quote == '\'':
                return EnterLoose(c);
            case Keyword.Final:
                return Commit(Key.Final);
            case Keyword.ToolCall:
                return c == '{' ? Commit(Key.ToolCall) : EnterLoose(c);
            case Keyword.ToolCalls:
                return c == '[' ? Commit(Key.ToolCalls) : EnterLoose(c);
            default: // Name
                if (c != '"' || _quote != '"') return Release();
                _held.Append(c);
                _candName.Clear();
                _candNameDecoder.Reset();
                _phase = CandidatePhase.NameValue;
                return true;
        }
    }

    private bool BareNameStep(char c, bool ws)
    {
        switch (_phase)
        {
            case CandidatePhase.NameValue:
                _held.Append(c);
                var n = _candNameDecoder.Feed(c, out var a, out var b);
                if (n < 0) _phase = CandidatePhase.NameAfterValue;
                if (n > 0) _candName.Append(a);
                if (n > 1) _candName.Append(b);
                return _candName.Length <= MaxNameChars || Release();
            case CandidatePhase.NameAfterValue:
                if (ws) { _held.Append(c); return true; }
                if (c != ',') return Release();
                _held.Append(c);
                _phase = CandidatePhase.NameNextKey;
                return true;
            case CandidatePhase.NameNextKey:
                if (ws) { _held.Append(c); return true; }
                if (c != '"') return Release();
                _held.Append(c);
                _key.Clear();
                _phase = CandidatePhase.NameNextKeyQuoted;
                return true;
            case CandidatePhase.NameNextKeyQuoted:
                if (c == '"')
                {
                    if (!IsKeyword(_key, "arguments", false) && !IsKeyword(_key, "parameters", false)) return Release();
                    _held.Append(c);
                    _phase = CandidatePhase.NameNextAfterKey;
                    return true;
                }
                return ExtendKey(c, "arguments", "parameters", null, null);
            default: // NameNextAfterKey
                if (ws) { _held.Append(c); return true; }
                if (c != ':') return Release();
                var name = _candName.ToString();
                // A JSON object in the answer that merely has name/arguments is a call only for a callable name.
                if (!_callable.Contains(name)) return Release();
                return CommitBareCall(name);
        }
    }

    private bool ExtendKey(char c, string k1, string k2, string? k3, string? k4)
    {
        if (c == '\\' || !(IsPrefix(_key, c, k1) || IsPrefix(_key, c, k2) || (k3 is not null && IsPrefix(_key, c, k3))
            || (k4 is not null && IsPrefix(_key, c, k4))))
            return Release();
        _held.Append(c);
        _key.Append(c);
        return true;
    }

    /// <summary>Not an envelope: the held text is ordinary content after all.</summary>
    private bool Release()
    {
        _mode = Mode.Prose;
        _envInFence = false;
        if (_held.Length >= 3 && _held[0] == '`' && _held[1] == '`' && _held[2] == '`') _proseFenceOpen = !_proseFenceOpen;
        for (var i = 0; i < _held.Length; i++) ProseStepNoCandidate(_held[i]);
        _held.Clear();
        return false;
    }

    private void ProseStepNoCandidate(char c)
    {
        EmitContent(c);
        if (c == '\n') _atLineStart = true;
        else if (c is not (' ' or '\t' or '\r')) _atLineStart = false;
        if (!char.IsWhiteSpace(c)) _afterEnvelope = false;
    }

    private void CompleteCandidate()
    {
        // A protocol key (even a partial one: {"tool_ca) cut off by the end of the generation is
        // dropped, never shown; a lone '{' or fence is released as the text it was.
        if (_keyword is Keyword.Final or Keyword.ToolCall or Keyword.ToolCalls
            || (_phase == CandidatePhase.QuotedKey && _key.Length > 0 && _key[0] != 'n'))
        {
            MalformedCount++;
            _held.Clear();
            return;
        }
        Release();
    }

    private static Keyword KeywordOf(StringBuilder key)
        => IsKeyword(key, "final", false) ? Keyword.Final
            : IsKeyword(key, "tool_call", false) ? Keyword.ToolCall
            : IsKeyword(key, "tool_calls", false) ? Keyword.ToolCalls
            : IsKeyword(key, "name", false) ? Keyword.Name
            : Keyword.None;

    private static bool IsPrefix(StringBuilder sb, char next, string word)
    {
        if (sb.Length >= word.Length || word[sb.Length] != next) return false;
        for (var i = 0; i < sb.Length; i++)
            if (sb[i] != word[i]) return false;
        return true;
    }

    private static bool IsPrefixIgnoreCase(StringBuilder sb, char next, string word)
    {
        if (sb.Length >= word.Length || word[sb.Length] != char.ToLowerInvariant(next)) return false;
        for (var i = 0; i < sb.Length; i++)
            if (char.ToLowerInvariant(sb[i]) != word[i]) return false;
        return true;
    }
}
