namespace Mix2Api.Streams.Output;

/// <summary>
/// Enforces the request's stop sequences (OpenAI <c>stop</c>, Anthropic <c>stop_sequences</c>) on the assistant text,
/// between the tool transform and the output, since the upstream has no stop field. Text that could be the start of
/// a sequence is held back until the next text shows whether it is; at the first match (the first sequence completed,
/// as when generation stops) the text before it goes out and the rest of the answer is dropped (<see cref="Matched"/>
/// tells the turn to end). A match may span any number of deltas. Tool-call arguments and reasoning are never searched: they only release the text held before them.
/// </summary>
/// <remarks>
/// Per delta nothing is allocated: a delta with nothing held before it is searched where it is; otherwise the held
/// text and the delta are joined in one reusable window (grown only when a delta is larger than any before), so the
/// text before a match or the held tail still goes out as one delta.
/// </remarks>
public sealed class StopSequenceSink : IChatSink
{
    private readonly IChatSink _inner;
    private readonly string[] _stops;
    // The held-back text is _window[.._held]; it is always shorter than the longest sequence.
    private char[] _window;
    private int _held;

    /// <param name="stops">The request's sequences; empty ones are ignored.</param>
    public StopSequenceSink(IChatSink inner, IReadOnlyList<string> stops)
    {
        _inner = inner;
        _stops = stops.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        _window = new char[Math.Max(16, 2 * _stops.Select(s => s.Length).DefaultIfEmpty(0).Max())];
    }

    /// <summary>The sequence that ended the answer, or null.</summary>
    public string? Matched { get; private set; }

    /// <summary>Client tool calls that went out (before any match).</summary>
    public int ToolCallsPassed { get; private set; }

    public bool HasSequences => _stops.Length > 0;

    public void Content(ReadOnlySpan<char> text)
    {
        if (Matched is not null || text.IsEmpty) return;
        if (_stops.Length == 0)
        {
            _inner.Content(text);
            return;
        }
        var pending = text;
        if (_held > 0)
        {
            if (_held + text.Length > _window.Length) Array.Resize(ref _window, Math.Max(2 * _window.Length, _held + text.Length));
            text.CopyTo(_window.AsSpan(_held));
            pending = _window.AsSpan(0, _held + text.Length);
        }
        // The first sequence the model completes wins, as when generation stops at it (on a tie, the longer one).
        int at = -1, end = int.MaxValue;
        foreach (var stop in _stops)
        {
            var i = pending.IndexOf(stop, StringComparison.Ordinal);
            if (i < 0 || i + stop.Length > end || (i + stop.Length == end && i > at)) continue;
            (at, end, Matched) = (i, i + stop.Length, stop);
        }
        if (Matched is not null)
        {
            _held = 0;
            if (at > 0) _inner.Content(pending[..at]);
            return;
        }
        var keep = HeldBack(pending);
        if (pending.Length > keep) _inner.Content(pending[..^keep]);
        // May overlap when pending is the window itself: span copies are memmove.
        pending[^keep..].CopyTo(_window);
        _held = keep;
    }

    public void Reasoning(ReadOnlySpan<char> text)
    {
        if (Matched is not null) return;
        Flush();
        _inner.Reasoning(text);
    }

    public void ToolCallStart(int index, string id, string name)
    {
        if (Matched is not null) return;
        Flush();
        ToolCallsPassed++;
        _inner.ToolCallStart(index, id, name);
    }

    public void ToolCallArguments(int index, ReadOnlySpan<char> fragment)
    {
        if (Matched is null) _inner.ToolCallArguments(index, fragment);
    }

    /// <summary>The answer ended (or something else interrupts the text): what was held back was not a sequence after all.</summary>
    public void Flush()
    {
        if (_held == 0) return;
        var held = _held;
        _held = 0;
        _inner.Content(_window.AsSpan(0, held));
    }

    /// <summary>The length of the longest end of <paramref name="text"/> that a sequence starts with (shorter than the sequence).</summary>
    private int HeldBack(ReadOnlySpan<char> text)
    {
        var longest = 0;
        foreach (var stop in _stops)
        {
            for (var n = Math.Min(stop.Length - 1, text.Length); n > longest; n--)
            {
                if (text[^n..].SequenceEqual(stop.AsSpan(0, n)))
                {
                    longest = n;
                    break;
                }
            }
        }
        return longest;
    }
}
