using Mix2Api.Streams.Protocol;
using Mix2Api.Streams.Upstream;

namespace Mix2Api.Streams.Budget;

/// <summary>
/// Finds the largest part of a conversation that fits the input budget (digest §9.5, improved). Kept always:
/// the first system message, the current question (the last user message, never shortened) and the last
/// group of messages (a call and its results). Added back from the newest: as many recent messages as fit,
/// never starting inside a tool chain (a tail never begins with a tool result cut off from its call). The
/// dropped middle can become a <see cref="HistorySummary"/>. With <c>shorten</c>, the system message and
/// every kept message except the question are first cut head+tail to <see cref="BudgetOptions.TrimMessageMaxChars"/>.
/// </summary>
internal sealed class ContextTrimmer
{
    private const string SystemMarker = "[系统提示已截断]";
    private const string MessageMarker = "[消息内容已截断]";
    private const string ToolMarker = "[工具输出已截断]";

    private readonly IReadOnlyList<ChatMessage> _messages;
    private readonly BudgetOptions _options;
    private readonly Func<IReadOnlyList<ChatMessage>, string?, UpstreamPrompt> _compose;
    private readonly int _system = -1;
    private readonly int _question = -1;
    /// <summary>Where a kept tail may begin, ascending; the last one is the shortest tail.</summary>
    private readonly List<int> _starts = [];

    public ContextTrimmer(IReadOnlyList<ChatMessage> messages, BudgetOptions options,
        Func<IReadOnlyList<ChatMessage>, string?, UpstreamPrompt> compose)
    {
        _messages = messages;
        _options = options;
        _compose = compose;
        var lastStart = -1;
        for (var i = 0; i < messages.Count; i++)
        {
            var role = messages[i].Role;
            if (role == ChatRole.System)
            {
                if (_system < 0) _system = i;
                continue;
            }
            if (role == ChatRole.User) _question = i;
            if (role is not (ChatRole.Tool or ChatRole.Function)) lastStart = i;
        }
        for (var i = 0; i <= lastStart; i++)
            if (messages[i].Role is not (ChatRole.System or ChatRole.Tool or ChatRole.Function)) _starts.Add(i);
        // Nothing but results (or nothing at all): the only tail is everything.
        if (_starts.Count == 0) _starts.Add(0);
    }

    /// <summary>Non-system messages that could be sent.</summary>
    public int NonSystemCount => _messages.Count(m => m.Role != ChatRole.System);

    /// <summary>The candidate with the most kept messages that fits, or null when not even the shortest fits.</summary>
    public TrimResult? Fit(int available, bool shorten)
    {
        // Fewer kept messages never estimate larger, so the longest fitting tail is found by bisection.
        var best = Try(_starts[^1], shorten);
        if (best.Estimate > available) return null;
        int lo = 0, hi = _starts.Count - 1; // hi fits; best is its result
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            var candidate = Try(_starts[mid], shorten);
            if (candidate.Estimate <= available)
            {
                hi = mid;
                best = candidate;
            }
            else
            {
                lo = mid + 1;
            }
        }
        return best;
    }

    private TrimResult Try(int start, bool shorten)
    {
        var kept = new List<ChatMessage>(_messages.Count - start + 2);
        var dropped = new List<ChatMessage>();
        for (var i = 0; i < _messages.Count; i++)
        {
            var m = _messages[i];
            if (m.Role == ChatRole.System)
            {
                if (i == _system) kept.Add(shorten ? Shorten(m, SystemMarker) : m);
                continue;
            }
            if (i < start && i != _question)
            {
                dropped.Add(m);
                continue;
            }
            kept.Add(!shorten || i == _question ? m
                : Shorten(m, m.Role is ChatRole.Tool or ChatRole.Function ? ToolMarker : MessageMarker));
        }
        var summary = _options.SummaryEnabled && dropped.Count > 0 ? HistorySummary.Build(dropped, _options) : null;
        var prompt = _compose(kept, summary);
        return new TrimResult(prompt, InputEstimator.Estimate(prompt), dropped.Count, kept.Count - (_system >= 0 ? 1 : 0));
    }

    private ChatMessage Shorten(ChatMessage m, string marker)
    {
        var text = TextClip.HeadTail(m.Text, _options.TrimMessageMaxChars, marker);
        return ReferenceEquals(text, m.Text) ? m : m with { Text = text };
    }
}

/// <summary>One trimmed candidate: what would be sent and how much of the conversation it keeps.</summary>
internal sealed record TrimResult(UpstreamPrompt Prompt, int Estimate, int DroppedMessages, int KeptMessages);
