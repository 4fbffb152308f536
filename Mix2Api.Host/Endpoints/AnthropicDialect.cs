using Mix2Api.Streams.Buffers;
using Mix2Api.Streams.Anthropic;
using Mix2Api.Streams.Output;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Host.Endpoints;

/// <summary>Anthropic Messages: its event grammar when streaming, one <c>message</c> object otherwise.</summary>
public sealed class AnthropicDialect : IChatDialect
{
    public static readonly AnthropicDialect Instance = new();

    public string Api => "anthropic";

    public PooledBytes Heartbeat => AnthropicSseWriter.Ping;

    public bool TryParse(ReadOnlyMemory<byte> body, out ChatRequest? request, out RequestError? error)
        => AnthropicRequestParser.TryParse(body, out request, out error);

    public IChatOutput CreateOutput(ChatRequest request, bool stream, bool legacyFunctions, int promptTokens)
    {
        var id = AnthropicIds.MessageId();
        return stream
            ? new AnthropicSseWriter(id, request.Model, promptTokens)
            : new AnthropicMessageAggregator(id, request.Model);
    }
}
