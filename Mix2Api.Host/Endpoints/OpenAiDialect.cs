using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Host.Endpoints;

/// <summary>OpenAI Chat Completions: <c>chat.completion.chunk</c> SSE or one <c>chat.completion</c>.</summary>
public sealed class OpenAiDialect(TimeProvider time) : IChatDialect
{
    public string Api => "openai";

    public PooledBytes Heartbeat => OpenAiSseWriter.Heartbeat;

    public bool TryParse(ReadOnlyMemory<byte> body, out ChatRequest? request, out RequestError? error)
        => ChatRequestParser.TryParse(body, out request, out error);

    public IChatOutput CreateOutput(ChatRequest request, bool stream, bool legacyFunctions, int promptTokens)
    {
        var identity = ChunkIdentity.Create(request.Model, time);
        return stream
            ? new OpenAiSseWriter(identity, request.IncludeUsage, legacyFunctions)
            : new ChatCompletionAggregator(identity, legacyFunctions);
    }
}
