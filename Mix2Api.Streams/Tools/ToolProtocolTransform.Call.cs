using System.Text;

namespace Mix2Api.Streams.Tools;

// The one call being read inside an envelope: its name decides (once complete) whether it is
// emitted; arguments that arrive before the name are held until then.
public sealed partial class ToolProtocolTransform
{
    // The call being read.
    private bool _callOpen;
    private bool _callResolved; // its name string is complete
    private int _callIndex = -1; // emitted index, -1 while unknown or rejected
    private bool _callArgsSeen;
    private int _callArgsEmitted;
    private readonly StringBuilder _callName = new();
    private readonly StringBuilder _heldArgs = new(); // arguments that came before the name

    private void OpenCall()
    {
        _callOpen = true;
        _callResolved = false;
        _callIndex = -1;
        _callArgsSeen = false;
        _callArgsEmitted = 0;
        _callName.Clear();
        _heldArgs.Clear();
    }

    private void ResolveName()
    {
        _callResolved = true;
        _callIndex = _callName.Length is > 0 and <= MaxNameChars ? TryStartCall(_callName.ToString()) : Reject();
        if (_callIndex >= 0)
            for (var i = 0; i < _heldArgs.Length; i++) ArgsChar(_heldArgs[i]);
        _heldArgs.Clear();
    }

    private int Reject()
    {
        _envelopeProduced = true;
        RejectedCallCount++;
        return -1;
    }

    private void ArgsChar(char c)
    {
        if (_callIndex >= 0)
        {
            EmitArgsChar(_callIndex, c);
            _callArgsEmitted++;
        }
        else if (!_callResolved) _heldArgs.Append(c); // name not known yet: hold until it is
    }

    private void FinishCall()
    {
        if (_callIndex >= 0)
        {
            if (_callArgsEmitted == 0) { ArgsChar('{'); ArgsChar('}'); }
        }
        else if (!_callResolved)
        {
            MalformedCount++; // a call without a name
            _envelopeProduced = true;
        }
        _callOpen = false;
        _callIndex = -1;
        _heldArgs.Clear();
    }
}
