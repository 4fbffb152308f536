using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Host.Endpoints;

/// <summary>
/// What differs between the chat APIs one pipeline serves (OpenAI Chat Completions, Anthropic Messages):
/// how a body becomes a <see cref="ChatRequest"/> and what writes the answer. Everything else — auth,
/// admission, session, tools, upstream, graph, end_reason — is <see cref="ChatCompletionsEndpoint"/>'s, once.
/// Errors need no member: <see cref="Http.ErrorResponses"/> writes the envelope of the request's <see cref="Api"/>.
/// </summary>
public interface IChatDialect
{
    /// <summary><c>openai</c> or <c>anthropic</c>: the report's <c>api</c> field and metric label.</summary>
    string Api { get; }

    bool TryParse(ReadOnlyMemory<byte> body, out ChatRequest? request, out RequestError? error);

    /// <param name="promptTokens">The prompt estimate, for outputs that announce usage before the answer.</param>
    IChatOutput CreateOutput(ChatRequest request, bool stream, bool legacyFunctions, int promptTokens);

    /// <summary>The keep-alive element the graph sends while the client hears nothing (a comment, or Anthropic's <c>ping</c>).</summary>
    PooledBytes Heartbeat { get; }
}
