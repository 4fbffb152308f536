namespace Mix2Api.Streams.Anthropic;

/// <summary>The graph's finish reason (OpenAI's words) as Anthropic's <c>stop_reason</c>.</summary>
public static class AnthropicStopReason
{
    public static string From(string finishReason) => finishReason switch
    {
        "tool_calls" or "function_call" => "tool_use",
        "length" => "max_tokens",
        "stop_sequence" => "stop_sequence",
        _ => "end_turn",
    };
}
