using System.Text;

namespace Mix2Api.Streams.Tools;

// Loose envelopes ({tool_call: (name: read, …}}, a call written as a JSON string, a line-start
// "tool_call:") are rare, so they are held whole until they close and then parsed at once.
public sealed partial class ToolProtocolTransform
{
    private const int MaxLooseChars = 4096;

    private readonly StringBuilder _loose = new();
    private int _looseDepth;
    private bool _looseInString;
    private bool _looseEscape;
    private char _looseLastNonWs;
    private bool _looseBraceless;

    private bool EnterLoose(char c)
    {
        _loose.Clear();
        _looseDepth = 0;
        _looseInString = false;
        _looseEscape = false;
        _looseLastNonWs = '\0';
        _looseBraceless = _candBraceless;
        _envInFence = _candInFence;
        for (var i = _fenceLength; i < _held.Length; i++) TrackLoose(_held[i]);
        _held.Clear();
        _mode = Mode.Loose;
        return LooseStep(c);
    }

    private bool LooseStep(char c)
    {
        // A line that ends on a closer ends the envelope even if its brackets never balance
        // ("(filePath:/x}}" is how models write it).
        if (c == '\n' && !_looseInString && (_looseDepth <= 0 || _looseLastNonWs is '}' or ')' or ']'))
        {
            FinishLoose();
            return false;
        }
        TrackLoose(c);
        if ((!_looseBraceless && _looseDepth == 0 && c is '}' or ')' or ']') || _loose.Length >= MaxLooseChars)
            FinishLoose();
        return true;
    }

    private void TrackLoose(char c)
    {
        _loose.Append(c);
        if (!char.IsWhiteSpace(c)) _looseLastNonWs = c;
        if (_looseInString)
        {
            if (_looseEscape) _looseEscape = false;
            else if (c == '\\') _looseEscape = true;
            else if (c == '"') _looseInString = false;
            return;
        }
        if (c == '"') _looseInString = true;
        else if (c is '{' or '[' or '(') _looseDepth++;
        else if (c is '}' or ']' or ')') _looseDepth--;
    }

    private void FinishLoose()
    {
        var (calls, final) = LooseCallParser.Parse(_loose.ToString());
        _loose.Clear();
        foreach (var call in calls) EmitWholeCall(call.Name, call.Arguments);
        if (final is not null) EmitContent(final);
        if (calls.Count == 0 && final is null) MalformedCount++; // dropped, never shown raw
        EnterAfterEnvelope();
    }
}
