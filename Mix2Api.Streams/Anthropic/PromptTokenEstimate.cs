using Mix2Api.Streams.Output;
using Mix2Api.Streams.Protocol;

namespace Mix2Api.Streams.Anthropic;

/// <summary>
/// The prompt-token estimate <c>POST /v1/messages/count_tokens</c> answers with: every message's text,
/// tool calls and results, and the declared tools, through the project's token counter. One call, so a
/// better estimator (the budget's) replaces it in one place.
/// </summary>
public static class PromptTokenEstimate
{
    public static int Of(ChatRequest request)
    {
        var counter = new TokenCounter();
        foreach (var message in request.Messages)
        {
            counter.Add(message.Text);
            foreach (var call in message.ToolCalls)
            {
                counter.Add(call.Name);
                counter.Add(call.Arguments);
            }
        }
        foreach (var tool in request.Tools) counter.Add(tool.GetRawText());
        return Math.Max(1, counter.Tokens);
    }
}
