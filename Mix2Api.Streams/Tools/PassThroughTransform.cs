using Mix2Api.Streams.Output;

namespace Mix2Api.Streams.Tools;

/// <summary>The identity stage: used when the request has no active client tools.</summary>
public sealed class PassThroughTransform : IToolTransform
{
    public static readonly PassThroughTransform Instance = new();

    private PassThroughTransform() { }

    public int ToolCallCount => 0;

    public void Push(ReadOnlySpan<char> text, IChatSink sink) => sink.Content(text);

    public void Complete(IChatSink sink) { }
}
