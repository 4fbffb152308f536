namespace Mix2Api.Streams.Anthropic;

/// <summary>The graph's finish reason (OpenAI's words) as Anthropic's <c>stop_reason</c>.</summary>
public static class AnthropicStopReason
{
    /// <param name="stopSequence">Set when one of the request's stop sequences ended the text.</param>
    public static string From(string finishReason, string? stopSequence = null) => finishReason switch
    {
        "tool_calls" or "function_call" => "tool_use",
        "length" => "max_tokens",
        "stop" when stopSequence is not null => "stop_sequence",
        _ => "end_turn",
    };
}
