namespace Mix2Api.Streams.Output;

/// <summary>
/// What the model's answer becomes, piece by piece, on its way to the client. Implemented by the
/// stream writer (OpenAI SSE chunks) and by the non-stream aggregator; fed by the tool-protocol
/// transform and by the graph. Spans are only valid during the call.
/// </summary>
public interface IChatSink
{
    /// <summary>Assistant text for <c>delta.content</c> / <c>message.content</c>.</summary>
    void Content(ReadOnlySpan<char> text);

    /// <summary>Reasoning text for <c>delta.reasoning_content</c>.</summary>
    void Reasoning(ReadOnlySpan<char> text);

    /// <summary>
    /// A client tool call begins. <paramref name="index"/> counts from 0 in emission order;
    /// <paramref name="name"/> is complete and declared by the request.
    /// </summary>
    void ToolCallStart(int index, string id, string name);

    /// <summary>A fragment of the JSON text of call <paramref name="index"/>'s arguments, byte-exact.</summary>
    void ToolCallArguments(int index, ReadOnlySpan<char> fragment);
}
