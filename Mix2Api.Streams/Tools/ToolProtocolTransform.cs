using System.Text;
using Mix2Api.Streams.Output;

namespace Mix2Api.Streams.Tools;

/// <summary>
/// The incremental tool-protocol parser (SPEC §3.2). A char-level state machine over the model's
/// text: prose streams out as content at once; a <c>{"final":"…"}</c> envelope streams its decoded
/// string; <c>{"tool_call":…}</c> / <c>{"tool_calls":[…]}</c> become tool-call deltas (name when
/// complete, arguments as raw JSON fragments). Only the few chars that decide what a <c>{</c>,
/// a code fence or a line-start <c>tool_call:</c> is are held back; loose pseudo-JSON envelopes are
/// held until they close. Work is amortised O(1) per char; output is flushed once per push.
/// </summary>
/// <remarks>
/// Modes: <c>Prose</c> → (<c>{</c>, <c>```</c>, line-start <c>t</c>) → <c>Candidate</c> → either back to
/// <c>Prose</c> (held text flushed as content) or <c>Envelope</c> (strict JSON, streamed) or
/// <c>Loose</c> (held, parsed on close) → <c>AfterEnvelope</c> (drops whitespace and a closing fence)
/// → <c>Prose</c>.
/// </remarks>
public sealed partial class ToolProtocolTransform : IToolTransform
{
    /// <summary>
    /// Shown only when the model's whole answer was a malformed or undeclared call and nothing else
    /// reached the client: the Node adapter's literal text (digest §4.5), so clients see the same.
    /// </summary>
    public const string MalformedNotice = "抱歉，工具调用响应格式异常，请重试。";

    private enum Mode : byte { Prose, Candidate, Envelope, Loose, AfterEnvelope }

    private readonly HashSet<string> _callable;
    private readonly bool _parallel;
    private readonly ToolCallIdGenerator _ids = new();
    private readonly ContentWriter _content = new();
    private readonly CharBuffer _args = new(256);
    private int _argsIndex = -1;
    private IChatSink? _sink;

    private Mode _mode = Mode.Prose;
    private bool _atLineStart = true;
    private bool _afterEnvelope; // the previous non-whitespace thing was an envelope
    private bool _envInFence;    // the current/last envelope sits inside a ``` fence

    public ToolProtocolTransform(IEnumerable<string> callableNames, bool parallelToolCalls)
    {
        _callable = new HashSet<string>(callableNames, StringComparer.Ordinal);
        _parallel = parallelToolCalls;
    }

    public int ToolCallCount { get; private set; }

    /// <summary>Calls not emitted: undeclared names, or beyond the first with <c>parallel_tool_calls:false</c>.</summary>
    public int RejectedCallCount { get; private set; }

    /// <summary>Envelopes dropped as malformed (no name, wrong shapes); never shown to the client.</summary>
    public int MalformedCount { get; private set; }

    /// <summary>
    /// The generation ended inside an emitted call's JSON. Its arguments were sent as they came and
    /// may be incomplete; the writer should report <c>finish_reason:"length"</c>.
    /// </summary>
    public bool EndedMidCall { get; private set; }

    public void Push(ReadOnlySpan<char> text, IChatSink sink)
    {
        _sink = sink;
        foreach (var c in text)
        {
            // A step that returns false changed state without consuming c; the next state takes it.
            while (!Step(c)) { }
        }
        FlushArgs();
        _content.Flush(sink, all: false);
        _sink = null;
    }

    public void Complete(IChatSink sink)
    {
        _sink = sink;
        switch (_mode)
        {
            case Mode.Candidate: CompleteCandidate(); break;
            case Mode.Envelope: CompleteEnvelope(); break;
            case Mode.Loose: FinishLoose(); break;
        }
        _mode = Mode.Prose;
        FlushArgs();
        _content.DropPendingWhitespace();
        if (!_content.AnyVisible && ToolCallCount == 0 && RejectedCallCount + MalformedCount > 0)
            _content.Append(MalformedNotice);
        _content.Flush(sink, all: true);
        _sink = null;
    }

    private bool Step(char c) => _mode switch
    {
        Mode.Prose => ProseStep(c),
        Mode.Candidate => CandidateStep(c),
        Mode.Envelope => EnvelopeStep(c),
        Mode.Loose => LooseStep(c),
        _ => AfterEnvelopeStep(c),
    };

    private bool ProseStep(char c)
    {
        if (c == '`') return BeginCandidate(c, CandidatePhase.Ticks);
        // Inside a code block of the prose, braces are code: only its closing fence is watched.
        if (c == '{' && !_proseFenceOpen) return BeginCandidate(c, CandidatePhase.Brace);
        if (_atLineStart && !_proseFenceOpen && c is 't' or 'T') return BeginCandidate(c, CandidatePhase.BareWord);
        EmitContent(c);
        if (c == '\n') _atLineStart = true;
        else if (c is not (' ' or '\t' or '\r')) _atLineStart = false;
        if (!char.IsWhiteSpace(c)) _afterEnvelope = false;
        return true;
    }

    private bool AfterEnvelopeStep(char c)
    {
        // Whitespace inside a fence around envelopes is dropped; elsewhere it is content (held
        // until visible text follows, so a calls-only answer never gets whitespace content).
        if (char.IsWhiteSpace(c) && _closingTicks == 0)
        {
            if (!_envInFence) EmitContent(c);
            return true;
        }
        if (_envInFence && c == '`')
        {
            if (++_closingTicks == 3)
            {
                _closingTicks = 0;
                _envInFence = false;
            }
            return true;
        }
        if (_closingTicks > 0)
        {
            // Not a closing fence after all: the ticks were text.
            for (; _closingTicks > 0; _closingTicks--) EmitContent('`');
            _envInFence = false;
        }
        if (c == '{') return BeginCandidate(c, CandidatePhase.Brace);
        _envInFence = false;
        _mode = Mode.Prose;
        return false;
    }

    private int _closingTicks;

    private void EnterAfterEnvelope()
    {
        _mode = Mode.AfterEnvelope;
        _afterEnvelope = true;
        _atLineStart = true;
        _closingTicks = 0;
    }

    // ---- output channels -------------------------------------------------------------------

    private void EmitContent(char c)
    {
        if (!char.IsWhiteSpace(c)) _envelopeProduced = true;
        if (_args.Length > 0) FlushArgs();
        _content.Append(c);
    }

    private void EmitContent(ReadOnlySpan<char> text)
    {
        foreach (var c in text) EmitContent(c);
    }

    private void EmitArgsChar(int index, char c)
    {
        if (_content.HasBuffered) _content.Flush(_sink!, all: true);
        if (_argsIndex != index) FlushArgs();
        _argsIndex = index;
        _args.Append(c);
    }

    private void FlushArgs()
    {
        if (_args.Length == 0) return;
        _sink!.ToolCallArguments(_argsIndex, _args.Span);
        _args.Clear();
    }

    /// <summary>Emits a call start if the name may be called now; returns its index or -1 (rejected).</summary>
    private int TryStartCall(string name)
    {
        _envelopeProduced = true;
        if (!_callable.Contains(name) || (!_parallel && ToolCallCount >= 1))
        {
            RejectedCallCount++;
            return -1;
        }
        if (_content.HasBuffered) _content.Flush(_sink!, all: true);
        FlushArgs();
        var index = ToolCallCount++;
        _sink!.ToolCallStart(index, _ids.Next(), name);
        return index;
    }

    /// <summary>A whole call known at once (loose envelopes).</summary>
    private void EmitWholeCall(string name, string arguments)
    {
        var index = TryStartCall(name);
        if (index < 0) return;
        foreach (var c in arguments.Length > 0 ? arguments : "{}") EmitArgsChar(index, c);
        FlushArgs();
    }

    private static bool IsKeyword(StringBuilder sb, string word, bool ignoreCase)
    {
        if (sb.Length != word.Length) return false;
        for (var i = 0; i < word.Length; i++)
            if (ignoreCase ? char.ToLowerInvariant(sb[i]) != word[i] : sb[i] != word[i]) return false;
        return true;
    }
}
