using Mix2Api.Streams.Output;

namespace Mix2Api.Streams.Tools;

/// <summary>
/// The tool-protocol stage of the ChatStreamGraph: the model's text deltas go in, client-visible
/// content and tool-call deltas come out through the sink. One instance per request, not
/// thread-safe. It holds back only what it needs to classify the text, never the whole answer.
/// </summary>
public interface IToolTransform
{
    /// <summary>Feeds the next piece of model text (already UTF-8 decoded).</summary>
    void Push(ReadOnlySpan<char> text, IChatSink sink);

    /// <summary>The model's text ended: flush anything held back and close open calls.</summary>
    void Complete(IChatSink sink);

    /// <summary>How many client tool calls were emitted so far.</summary>
    int ToolCallCount { get; }
}
