using System.Text;

namespace Mix2Api.Streams.Tools;

// The committed strict-JSON envelope, streamed: a small frame stack (envelope object, tool_calls
// array, call objects) plus one "leaf" for the value being read (a key, the final string, a name,
// raw or string-wrapped arguments, or a skipped value). Arguments are forwarded char by char as
// the model wrote them; nothing is re-serialised.
public sealed partial class ToolProtocolTransform
{
    private enum FrameKind : byte { Envelope, CallArray, Call }
    private enum Phase : byte { KeyOrEnd, Colon, Value, CommaOrEnd }
    private enum Key : byte { Other, Final, ToolCall, ToolCalls, Name, Arguments, Function }
    private enum Leaf : byte { None, Key, Final, Name, ArgsString, ArgsRaw, Skip }

    private struct Frame
    {
        public FrameKind Kind;
        public Phase Phase;
        public Key Key;
        public bool Nested; // a "function":{…} object inside a call: same call
    }

    private Frame[] _frames = new Frame[8];
    private int _depth;
    private Leaf _leaf;
    private JsonStringDecoder _decoder;
    private JsonValueScanner _scanner;
    private readonly StringBuilder _keyText = new();
    private bool _envelopeProduced; // the envelope emitted content or tried a call

    /// <summary>The held candidate text is an envelope after all: switch to envelope parsing from a clean state.</summary>
    private void EnterEnvelope()
    {
        _envelopeProduced = false;
        _held.Clear();
        _envInFence = _candInFence;
        _mode = Mode.Envelope;
        _depth = 0;
        _leaf = Leaf.None;
    }

    private bool Commit(Key rootKey)
    {
        EnterEnvelope();
        Push(new Frame { Kind = FrameKind.Envelope, Phase = Phase.Value, Key = rootKey });
        return false; // the value's first char is read by the envelope
    }

    private bool CommitBareCall(string name)
    {
        EnterEnvelope();
        OpenCall();
        Push(new Frame { Kind = FrameKind.Call, Phase = Phase.Value, Key = Key.Arguments });
        _callName.Append(name);
        ResolveName();
        return true;
    }

    private void Push(Frame frame)
    {
        if (_depth == _frames.Length) Array.Resize(ref _frames, _frames.Length * 2);
        _frames[_depth++] = frame;
    }

    private bool EnvelopeStep(char c)
    {
        if (_leaf != Leaf.None) return LeafStep(c);
        if (char.IsWhiteSpace(c)) return true;
        var top = _depth - 1;
        switch (_frames[top].Phase)
        {
            case Phase.KeyOrEnd:
                if (c == '"')
                {
                    _leaf = Leaf.Key;
                    _keyText.Clear();
                    _decoder.Reset();
                    return true;
                }
                if (c == '}') { CloseFrame(); return true; }
                return c == ',' || Abandon();
            case Phase.Colon:
                if (c is not (':' or '=')) return Abandon();
                _frames[top].Phase = Phase.Value;
                return true;
            case Phase.Value:
                if (_frames[top].Kind == FrameKind.CallArray)
                {
                    if (c == ']') { CloseFrame(); return true; }
                    if (c == ',') return true;
                    _frames[top].Phase = Phase.CommaOrEnd;
                    if (c == '{') PushCall(nested: false);
                    else StartSkip(c);
                    return true;
                }
                _frames[top].Phase = Phase.CommaOrEnd;
                StartValue(_frames[top].Kind, _frames[top].Key, c);
                return true;
            default: // CommaOrEnd
                var isArray = _frames[top].Kind == FrameKind.CallArray;
                if (c == ',')
                {
                    _frames[top].Phase = isArray ? Phase.Value : Phase.KeyOrEnd;
                    return true;
                }
                if (c == (isArray ? ']' : '}')) { CloseFrame(); return true; }
                return Abandon();
        }
    }

    private void StartValue(FrameKind kind, Key key, char c)
    {
        if (kind == FrameKind.Envelope)
        {
            if (key == Key.Final && c == '"') { _leaf = Leaf.Final; _decoder.Reset(); return; }
            if (key == Key.ToolCall && c == '{') { PushCall(nested: false); return; }
            if (key == Key.ToolCalls && c == '[') { Push(new Frame { Kind = FrameKind.CallArray, Phase = Phase.Value }); return; }
            if (key != Key.Other && c != 'n') MalformedCount++; // e.g. "final": {…}; null is just absent
            StartSkip(c);
            return;
        }
        // A call object.
        if (key == Key.Name && c == '"' && !_callResolved)
        {
            _leaf = Leaf.Name;
            _callName.Clear();
            _decoder.Reset();
            return;
        }
        if (key == Key.Arguments && !_callArgsSeen && c != 'n')
        {
            _callArgsSeen = true;
            if (c == '"')
            {
                // Arguments written as a JSON string holding JSON: pass the decoded string.
                _leaf = Leaf.ArgsString;
                _decoder.Reset();
                return;
            }
            _leaf = Leaf.ArgsRaw;
            _scanner.Start(c);
            ArgsChar(c);
            return;
        }
        if (key == Key.Function && c == '{') { PushCall(nested: true); return; }
        StartSkip(c);
    }

    private void StartSkip(char c)
    {
        _leaf = Leaf.Skip;
        _scanner.Start(c);
    }

    private bool LeafStep(char c)
    {
        int n;
        char a, b;
        switch (_leaf)
        {
            case Leaf.ArgsRaw:
                var step = _scanner.Next(c);
                if (step == JsonValueScanner.Step.EndedBefore) { _leaf = Leaf.None; return false; }
                ArgsChar(c);
                if (step == JsonValueScanner.Step.End) _leaf = Leaf.None;
                return true;
            case Leaf.Skip:
                var s = _scanner.Next(c);
                if (s == JsonValueScanner.Step.Continue) return true;
                _leaf = Leaf.None;
                return s == JsonValueScanner.Step.End;
            case Leaf.Key:
                n = _decoder.Feed(c, out a, out b);
                if (n < 0)
                {
                    _leaf = Leaf.None;
                    var top = _depth - 1;
                    _frames[top].Key = ClassifyKey(_frames[top].Kind);
                    _frames[top].Phase = Phase.Colon;
                }
                else if (_keyText.Length < 32) AppendDecoded(_keyText, n, a, b);
                return true;
            case Leaf.Final:
                n = _decoder.Feed(c, out a, out b);
                if (n < 0) _leaf = Leaf.None;
                if (n > 0) EmitContent(a);
                if (n > 1) EmitContent(b);
                return true;
            case Leaf.Name:
                n = _decoder.Feed(c, out a, out b);
                if (n < 0) { _leaf = Leaf.None; ResolveName(); }
                else if (_callName.Length <= MaxNameChars) AppendDecoded(_callName, n, a, b);
                return true;
            default: // ArgsString
                n = _decoder.Feed(c, out a, out b);
                if (n < 0) _leaf = Leaf.None;
                if (n > 0) ArgsChar(a);
                if (n > 1) ArgsChar(b);
                return true;
        }
    }

    private static void AppendDecoded(StringBuilder sb, int n, char a, char b)
    {
        if (n > 0) sb.Append(a);
        if (n > 1) sb.Append(b);
    }

    private Key ClassifyKey(FrameKind kind)
    {
        if (kind == FrameKind.Envelope)
            return IsKeyword(_keyText, "final", false) ? Key.Final
                : IsKeyword(_keyText, "tool_call", false) ? Key.ToolCall
                : IsKeyword(_keyText, "tool_calls", false) ? Key.ToolCalls
                : Key.Other;
        return IsKeyword(_keyText, "name", false) ? Key.Name
            : IsKeyword(_keyText, "arguments", false) || IsKeyword(_keyText, "parameters", false) ? Key.Arguments
            : IsKeyword(_keyText, "function", false) ? Key.Function
            : Key.Other;
    }

    private void PushCall(bool nested)
    {
        if (!nested) OpenCall();
        Push(new Frame { Kind = FrameKind.Call, Phase = Phase.KeyOrEnd, Nested = nested });
    }

    private void CloseFrame()
    {
        var frame = _frames[--_depth];
        if (frame.Kind == FrameKind.Call && !frame.Nested) FinishCall();
        if (_depth == 0) EndEnvelope();
    }

    /// <summary>Broken JSON between values: keep what was complete, then treat the rest as text.</summary>
    private bool Abandon()
    {
        if (_callOpen) FinishCall();
        _depth = 0;
        _leaf = Leaf.None;
        EndEnvelope();
        return false;
    }

    private void EndEnvelope()
    {
        // {"tool_calls":[]}, {"final":""}, {"final":null}: protocol that says nothing is malformed.
        if (!_envelopeProduced) MalformedCount++;
        EnterAfterEnvelope();
    }

    private void CompleteEnvelope()
    {
        if (_callOpen)
        {
            var argsCut = _leaf is Leaf.ArgsRaw or Leaf.ArgsString && (_leaf == Leaf.ArgsString || _scanner.Open);
            if (_callIndex >= 0)
            {
                if (argsCut || !_callArgsSeen) EndedMidCall = true;
                if (!argsCut) FinishCall();
            }
            else if (!_callResolved) MalformedCount++;
        }
        else if (_leaf != Leaf.Final && _depth > 0 && _frames[0].Kind == FrameKind.Envelope && ToolCallCount == 0)
        {
            MalformedCount++;
        }
        _callOpen = false;
        _depth = 0;
        _leaf = Leaf.None;
    }
}
